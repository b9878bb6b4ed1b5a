// GET /api/workspaces/[slug]/agent/sessions/[id]/diff – the files and hunks of the session's commit, parsed from the stored patch
import { withWorkspace } from "@/lib/api/handler";
import { DispatchError } from "@/lib/errors";
import { toSessionDiff } from "@/lib/sessions/diff";
import { getSessionOrThrow } from "@/lib/sessions/service";

export const GET = withWorkspace<{ slug: string; id: string }>(async (_req, { db, ctx, params }) => {
  const session = await getSessionOrThrow(db, ctx, params.id);
  // Served from what the worker stored when it committed: the checkout and its container are gone by now.
  if (session.diffPatch === null) {
    throw new DispatchError("not_found:diff", "This agent session has no stored changes: it made no commit, or it ran before Dispatch kept diffs.");
  }
  return Response.json(toSessionDiff({ commitSha: session.commitSha, branch: session.branch, diffPatch: session.diffPatch }));
});

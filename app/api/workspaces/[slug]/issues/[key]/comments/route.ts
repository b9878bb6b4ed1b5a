// GET /api/workspaces/[slug]/issues/[key]/comments – the timeline's comments; POST – comment ({ body } or { text })
import { readJson, withWorkspace } from "@/lib/api/handler";
import { commentJson, sessionJson } from "@/lib/api/serialize";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { addComment, getComments } from "@/lib/comments/service";
import { getIssueByKeyOrThrow } from "@/lib/issues/service";

type P = { slug: string; key: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  const { issue } = await getIssueByKeyOrThrow(db, ctx, params.key);
  return Response.json({ comments: (await getComments(db, ctx, issue.id)).map(commentJson) });
});

export const POST = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const { issue } = await getIssueByKeyOrThrow(db, ctx, params.key);
  const { comment, sessions } = await addComment(db, ctx, issue, await readJson(req), { queue: getSessionQueue() });
  return Response.json({ comment: commentJson(comment), sessions: sessions.map(sessionJson) }, { status: 201 });
});

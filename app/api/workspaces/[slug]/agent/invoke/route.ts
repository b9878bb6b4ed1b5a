// POST /api/workspaces/[slug]/agent/invoke – post a comment (or use one) and start the named agents
import { readJson, withWorkspace } from "@/lib/api/handler";
import { invokeFromRequest } from "@/lib/agents/invoke";
import { sessionJson } from "@/lib/api/serialize";
import { getSessionQueue } from "@/lib/queue/session-queue";

export const POST = withWorkspace<{ slug: string }>(async (req, { db, ctx }) => {
  const { comment, sessions } = await invokeFromRequest(db, ctx, await readJson(req), getSessionQueue());
  return Response.json({ comment_id: comment.id, sessions: sessions.map(sessionJson) }, { status: 201 });
});

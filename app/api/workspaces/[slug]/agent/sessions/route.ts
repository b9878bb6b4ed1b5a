// GET /api/workspaces/[slug]/agent/sessions?issue_id= – the sessions of an issue, oldest first
import { withWorkspace } from "@/lib/api/handler";
import { sessionJson } from "@/lib/api/serialize";
import { listSessions } from "@/lib/sessions/service";

export const GET = withWorkspace<{ slug: string }>(async (req, { db, ctx }) => {
  const sessions = await listSessions(db, ctx, new URL(req.url).searchParams.get("issue_id"));
  return Response.json({ sessions: sessions.map(sessionJson) });
});

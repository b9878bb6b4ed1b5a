// GET /api/workspaces/[slug]/agent/board?status=&provider=&member=&project= – sessions across the workspace and daily totals of the last 30 days
import { withWorkspace } from "@/lib/api/handler";
import { boardQueryFromSearchParams, getAgentsBoard } from "@/lib/sessions/board";

export const GET = withWorkspace<{ slug: string }>(async (req, { db, ctx }) => {
  const { rows, totals } = await getAgentsBoard(db, ctx, boardQueryFromSearchParams(new URL(req.url).searchParams));
  return Response.json({ rows, totals });
});

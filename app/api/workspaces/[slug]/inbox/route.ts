// GET /api/workspaces/[slug]/inbox?unread=1&limit=50 – my inbox in this workspace, newest first, with the unread count
import { withWorkspace } from "@/lib/api/handler";
import { getInbox } from "@/lib/inbox/service";

export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ slug: string }>(async (req, { db, ctx }) =>
  Response.json(await getInbox(db, ctx, Object.fromEntries(new URL(req.url).searchParams))),
);

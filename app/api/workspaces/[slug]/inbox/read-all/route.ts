// POST /api/workspaces/[slug]/inbox/read-all – mark every item of my inbox in this workspace read
import { withWorkspace } from "@/lib/api/handler";
import { markAllInboxRead } from "@/lib/inbox/service";

export const POST = withWorkspace<{ slug: string }>(async (_req, { db, ctx }) => Response.json(await markAllInboxRead(db, ctx)));

// PATCH /api/workspaces/[slug]/inbox/[id] – mark one of my inbox items read ({ "read": true }) or unread
import { readJson, withWorkspace } from "@/lib/api/handler";
import { markInboxItem } from "@/lib/inbox/service";

export const PATCH = withWorkspace<{ slug: string; id: string }>(async (req, { db, ctx, params }) =>
  Response.json(await markInboxItem(db, ctx, params.id, await readJson(req))),
);

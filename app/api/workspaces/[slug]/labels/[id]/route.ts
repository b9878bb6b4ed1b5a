// DELETE /api/workspaces/[slug]/labels/[id] – delete a label and take it off every issue (admins)
import { withWorkspace } from "@/lib/api/handler";
import { removeLabel } from "@/lib/issues/labels";

export const DELETE = withWorkspace<{ slug: string; id: string }>(async (_req, { db, ctx, params }) => {
  await removeLabel(db, ctx, params.id);
  return new Response(null, { status: 204 });
});

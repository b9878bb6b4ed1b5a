// PATCH /api/workspaces/[slug]/labels/[id] – rename or recolour a label (members)
// DELETE /api/workspaces/[slug]/labels/[id] – delete a label and take it off every issue (admins)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { labelJson } from "@/lib/api/serialize";
import { editLabel, removeLabel } from "@/lib/issues/labels";

export const PATCH = withWorkspace<{ slug: string; id: string }>(async (req, { db, ctx, params }) => {
  return Response.json({ label: labelJson(await editLabel(db, ctx, params.id, await readJson(req))) });
});

export const DELETE = withWorkspace<{ slug: string; id: string }>(async (_req, { db, ctx, params }) => {
  await removeLabel(db, ctx, params.id);
  return new Response(null, { status: 204 });
});

// GET /api/workspaces/[slug]/labels – the workspace's labels; POST – create one ({ name, color }) (members)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { labelJson } from "@/lib/api/serialize";
import { createLabel, getLabels } from "@/lib/issues/labels";

export const GET = withWorkspace<{ slug: string }>(async (_req, { db, ctx }) => Response.json({ labels: (await getLabels(db, ctx)).map(labelJson) }));

export const POST = withWorkspace<{ slug: string }>(async (req, { db, ctx }) => {
  const label = await createLabel(db, ctx, await readJson(req));
  return Response.json({ label: labelJson(label) }, { status: 201 });
});

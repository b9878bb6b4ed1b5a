// GET /api/workspaces – the workspaces I belong to; POST – create one (I become its admin)
import { readJson, withUser } from "@/lib/api/handler";
import { workspaceJson } from "@/lib/api/serialize";
import { createWorkspace, getMyWorkspaces } from "@/lib/workspaces/service";

export const GET = withUser(async (_req, { user, db }) => {
  const rows = await getMyWorkspaces(db, user.id);
  return Response.json({ workspaces: rows.map((w) => workspaceJson(w, w.role)) });
});

export const POST = withUser(async (req, { user, db }) => {
  const ws = await createWorkspace(db, user.id, await readJson(req));
  return Response.json({ workspace: workspaceJson(ws, "admin") }, { status: 201 });
});

// GET /api/workspaces/[slug] – the workspace and my role in it
import { withWorkspace } from "@/lib/api/handler";
import { workspaceJson } from "@/lib/api/serialize";

export const GET = withWorkspace<{ slug: string }>(async (_req, { ctx }) => Response.json({ workspace: workspaceJson(ctx.workspace, ctx.role) }));

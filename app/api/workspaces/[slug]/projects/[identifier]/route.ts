// GET /api/workspaces/[slug]/projects/[identifier] – one project
import { withWorkspace } from "@/lib/api/handler";
import { projectJson } from "@/lib/api/serialize";
import { getProjectOrThrow } from "@/lib/projects/service";

export const GET = withWorkspace<{ slug: string; identifier: string }>(async (_req, { db, ctx, params }) =>
  Response.json({ project: projectJson(await getProjectOrThrow(db, ctx, params.identifier)) }),
);

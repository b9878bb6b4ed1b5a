// GET, PUT /api/workspaces/[slug]/projects/[identifier]/repository – can the GitHub connection reach the project's repository; set it (admins)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { checkProjectRepository } from "@/lib/git/access";
import { setProjectRepository } from "@/lib/projects/service";

type P = { slug: string; identifier: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx, params }) => Response.json({ check: await checkProjectRepository(db, ctx, params.identifier) }));

export const PUT = withWorkspace<P>(
  async (req, { db, ctx, params }) => {
    await setProjectRepository(db, ctx, params.identifier, await readJson(req));
    return Response.json({ check: await checkProjectRepository(db, ctx, params.identifier) });
  },
  { role: "admin" },
);

// GET /api/workspaces/[slug]/projects – list projects; POST – create one (members)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { projectJson } from "@/lib/api/serialize";
import { createProject, getProjects } from "@/lib/projects/service";

type P = { slug: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx }) => {
  const projects = await getProjects(db, ctx);
  return Response.json({ projects: projects.map((p) => ({ ...projectJson(p), open_issues: p.openIssues, total_issues: p.totalIssues })) });
});

export const POST = withWorkspace<P>(async (req, { db, ctx }) => {
  const project = await createProject(db, ctx, await readJson(req));
  return Response.json({ project: projectJson(project) }, { status: 201 });
});

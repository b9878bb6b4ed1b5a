// GET /api/workspaces/[slug]/projects/[identifier]/issues?state=todo,in_progress – list; POST – create (members)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { issueJson, issueSummaryJson } from "@/lib/api/serialize";
import { createIssue, getIssues } from "@/lib/issues/service";
import { getProjectOrThrow } from "@/lib/projects/service";

type P = { slug: string; identifier: string };

export const GET = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const project = await getProjectOrThrow(db, ctx, params.identifier);
  const state = new URL(req.url).searchParams.get("state");
  const issues = await getIssues(db, ctx, project, state ? state.split(",") : undefined);
  return Response.json({ issues: issues.map((i) => issueSummaryJson(project, i)) });
});

export const POST = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const project = await getProjectOrThrow(db, ctx, params.identifier);
  const issue = await createIssue(db, ctx, project, await readJson(req));
  return Response.json({ issue: issueJson(project, issue) }, { status: 201 });
});

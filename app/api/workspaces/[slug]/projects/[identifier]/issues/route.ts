// GET /api/workspaces/[slug]/projects/[identifier]/issues?state=todo&priority=high&assignee=me&label=bug&q=login – list; POST – create (members)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { issueJson, issueSummaryJson } from "@/lib/api/serialize";
import { parseListFilters } from "@/lib/issues/filters";
import { createIssue, findIssues } from "@/lib/issues/service";
import { getProjectOrThrow } from "@/lib/projects/service";

type P = { slug: string; identifier: string };

export const GET = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const project = await getProjectOrThrow(db, ctx, params.identifier);
  const query = new URL(req.url).searchParams;
  // Without a state the API lists every state (as it always has); the pages default to open issues.
  if (!query.has("state")) query.set("state", "all");
  const issues = await findIssues(db, ctx, project, parseListFilters(query, { strict: true }));
  return Response.json({ issues: issues.map((i) => issueSummaryJson(project, i)) });
});

export const POST = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const project = await getProjectOrThrow(db, ctx, params.identifier);
  const issue = await createIssue(db, ctx, project, await readJson(req));
  return Response.json({ issue: issueJson(project, issue) }, { status: 201 });
});

// GET /api/workspaces/[slug]/issues/[key] – one issue by key (WEB-12); PATCH – edit title, description, state, priority, labels, assignee
import { readJson, withWorkspace } from "@/lib/api/handler";
import { issueJson } from "@/lib/api/serialize";
import { editIssue, getIssueByKeyOrThrow } from "@/lib/issues/service";

type P = { slug: string; key: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  const { issue, project } = await getIssueByKeyOrThrow(db, ctx, params.key);
  return Response.json({ issue: issueJson(project, issue) });
});

export const PATCH = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const { issue } = await getIssueByKeyOrThrow(db, ctx, params.key);
  await editIssue(db, ctx, issue.id, await readJson(req));
  const { issue: updated, project } = await getIssueByKeyOrThrow(db, ctx, params.key);
  return Response.json({ issue: issueJson(project, updated) });
});

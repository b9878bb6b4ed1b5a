import { withIssueActivity } from "@/lib/live/activity";
import type { Db } from "@/db/client";
import { countIssuesByState, getIssueByNumber, insertIssue, listIssues, updateIssue } from "@/db/queries/issues";
import { getProjectByIdentifier } from "@/db/queries/projects";
import type { Issue, Project } from "@/db/schema";
import { notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { createIssueSchema, issueStateSchema, parseIssueKey, updateIssueSchema } from "./schemas";
import { z } from "zod";

export async function createIssue(db: Db, ctx: WorkspaceContext, project: Project, input: unknown): Promise<Issue> {
  requireRole(ctx, "member");
  const values = parseInput(createIssueSchema, input, "issue");
  return insertIssue(db, { ...values, workspaceId: ctx.workspace.id, projectId: project.id, createdBy: ctx.userId });
}

const stateFilterSchema = z.array(issueStateSchema).optional();

export async function getIssues(db: Db, ctx: WorkspaceContext, project: Project, states?: unknown) {
  const parsed = parseInput(stateFilterSchema, states, "issue");
  return listIssues(db, { workspaceId: ctx.workspace.id, projectId: project.id, states: parsed });
}

/** How many of the project's issues are in each state (the project page's tabs). */
export function getIssueCounts(db: Db, ctx: WorkspaceContext, project: Project) {
  return countIssuesByState(db, { workspaceId: ctx.workspace.id, projectId: project.id });
}

export type IssueWithProject = { issue: NonNullable<Awaited<ReturnType<typeof getIssueByNumber>>>; project: Project };

/** Loads `WEB-12` within the workspace; a malformed or unknown key is a 404 like any other. */
export async function getIssueByKeyOrThrow(db: Db, ctx: WorkspaceContext, key: string): Promise<IssueWithProject> {
  const parsed = typeof key === "string" ? parseIssueKey(key) : null;
  const project = parsed && (await getProjectByIdentifier(db, ctx.workspace.id, parsed.identifier));
  const issue = parsed && project && (await getIssueByNumber(db, { workspaceId: ctx.workspace.id, projectId: project.id, number: parsed.number }));
  if (!project || !issue) throw notFound("issue", "This issue");
  return { issue, project };
}

export async function editIssue(db: Db, ctx: WorkspaceContext, issueId: string, input: unknown): Promise<Issue> {
  requireRole(ctx, "member");
  const patch = parseInput(updateIssueSchema, input, "issue");
  const updated = await withIssueActivity(db, { issueId, type: "issue.updated", refId: () => null }, (tx) => updateIssue(tx, { workspaceId: ctx.workspace.id, id: issueId, patch }));
  if (!updated) throw notFound("issue", "This issue");
  return updated;
}

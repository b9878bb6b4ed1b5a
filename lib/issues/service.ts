import { notifyAssignee } from "@/lib/inbox/notify";
import { withIssueActivity } from "@/lib/live/activity";
import type { Db } from "@/db/client";
import { loadCatalog } from "@/db/queries/agents";
import { countIssuesByState, getIssueById, getIssueByNumber, insertIssue, listIssues, updateIssue, type IssueFilters } from "@/db/queries/issues";
import { existingLabelIds, listLabels, setIssueLabels } from "@/db/queries/labels";
import { getProjectByIdentifier } from "@/db/queries/projects";
import type { Issue, Project } from "@/db/schema";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError, notFound } from "@/lib/errors";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { assignIssue, type AssignDeps } from "./assign";
import { OPEN_STATES, type ListFilters } from "./filters";
import { createIssueSchema, issueStateSchema, parseIssueKey, updateIssueSchema } from "./schemas";
import { findVariant, splitProviderRef } from "@/lib/agents/resolve";
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

/**
 * The issue list for URL filters: `me` is the reader, agents and labels are named as people write
 * them (`claude-opus`, `bug`). A label or agent that names nothing matches no issue.
 */
export async function findIssues(db: Db, ctx: WorkspaceContext, project: Project, f: ListFilters) {
  const query: IssueFilters = {
    states: f.states === "all" ? undefined : f.states === "open" ? OPEN_STATES : f.states,
    priorities: f.priorities,
    text: f.q || undefined,
  };
  if (f.assignees.length) {
    const catalog = f.assignees.some((a) => a.kind === "agent") ? await loadCatalog(db, ctx.workspace.id) : [];
    query.assignees = f.assignees.map((a) => {
      if (a.kind === "me") return ctx.userId;
      if (a.kind === "none") return "none";
      if (a.kind === "user") return a.id;
      const [providerSlug, variantSlug] = splitProviderRef(a.ref);
      const provider = catalog.find((p) => p.slug === providerSlug);
      return findVariant(provider, variantSlug)?.id ?? NO_MATCH;
    });
  }
  if (f.labels.length) {
    const wanted = new Set(f.labels.map((l) => l.toLowerCase()));
    const ids = (await listLabels(db, ctx.workspace.id)).filter((l) => wanted.has(l.name.toLowerCase())).map((l) => l.id);
    query.labelIds = ids.length ? ids : [NO_MATCH];
  }
  return listIssues(db, { workspaceId: ctx.workspace.id, projectId: project.id, viewerId: ctx.userId, ...query });
}

/** An id no row has: a filter naming an unknown label or agent shows nothing rather than everything. */
const NO_MATCH = "00000000-0000-0000-0000-000000000000";

export type IssueWithProject = { issue: NonNullable<Awaited<ReturnType<typeof getIssueByNumber>>>; project: Project };

/** Loads `WEB-12` within the workspace; a malformed or unknown key is a 404 like any other. */
export async function getIssueByKeyOrThrow(db: Db, ctx: WorkspaceContext, key: string): Promise<IssueWithProject> {
  const parsed = typeof key === "string" ? parseIssueKey(key) : null;
  const project = parsed && (await getProjectByIdentifier(db, ctx.workspace.id, parsed.identifier));
  const issue = parsed && project && (await getIssueByNumber(db, { workspaceId: ctx.workspace.id, projectId: project.id, number: parsed.number }));
  if (!project || !issue) throw notFound("issue", "This issue");
  return { issue, project };
}

const defaultDeps = (): AssignDeps => ({ queue: getSessionQueue(), signal: getCancelSignal() });

/**
 * Edits an issue's fields, labels and assignee. The assignee goes first: it is the change that can
 * be refused (an agent that cannot start), and then nothing else is written either.
 */
export async function editIssue(db: Db, ctx: WorkspaceContext, issueId: string, input: unknown, deps?: AssignDeps): Promise<Issue> {
  requireRole(ctx, "member");
  const { assignee, labels, cancel_session, ...fields } = parseInput(updateIssueSchema, input, "issue");
  const issue = await getIssueById(db, { workspaceId: ctx.workspace.id, id: issueId });
  if (!issue) throw notFound("issue", "This issue");
  if (labels) {
    const known = await existingLabelIds(db, { workspaceId: ctx.workspace.id, ids: labels });
    const unknown = labels.find((id) => !known.has(id));
    if (unknown) throw new DispatchError("bad_request:issue", `labels: ${unknown} is not a label of this workspace.`, { field: "labels" });
  }
  if (assignee !== undefined) await assignIssue(db, ctx, issue, assignee, { cancelPrevious: cancel_session === true, deps: deps ?? defaultDeps() });
  if (Object.keys(fields).length === 0 && !labels) return (await getIssueById(db, { workspaceId: ctx.workspace.id, id: issueId }))!;
  const updated = await withIssueActivity(db, { issueId, type: "issue.updated", refId: () => null }, async (tx) => {
    const row = await updateIssue(tx, { workspaceId: ctx.workspace.id, id: issueId, patch: fields });
    if (row && labels) await setIssueLabels(tx, { issueId, labelIds: labels });
    // The assignee hears of a state change someone else made (lib/inbox/notify.ts).
    if (row?.assigneeUserId && fields.state && fields.state !== issue.state) {
      const change = { what: "state" as const, state: row.state };
      await notifyAssignee(tx, { workspaceId: ctx.workspace.id, issueId, assigneeUserId: row.assigneeUserId, actorUserId: ctx.userId, change, eventKey: `issue:${issueId}:state:${row.updatedAt.getTime()}` });
    }
    return row;
  });
  if (!updated) throw notFound("issue", "This issue");
  return updated;
}

import { and, asc, desc, eq, exists, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { agentProviders, agentProviderVariants, agentSkills, issueLabels, issues, projects, users, type Issue, type IssuePriority, type IssueState } from "../schema";
import { labelsOfIssues, type LabelRef } from "./labels";

/**
 * Numbers come from the project's counter, bumped by an UPDATE that holds the project row's
 * lock until commit: concurrent creators queue on it, so a number is never handed out twice.
 */
export async function insertIssue(
  db: Db,
  values: { workspaceId: string; projectId: string; title: string; description: string; state: IssueState; createdBy: string },
): Promise<Issue> {
  return db.transaction(async (tx) => {
    const [counter] = await tx
      .update(projects)
      .set({ issueCounter: sql`${projects.issueCounter} + 1` })
      .where(and(eq(projects.id, values.projectId), eq(projects.workspaceId, values.workspaceId)))
      .returning({ number: projects.issueCounter });
    if (!counter) throw new Error(`insertIssue: project ${values.projectId} not found`);
    const [row] = await tx
      .insert(issues)
      .values({ ...values, number: counter.number })
      .returning();
    return row!;
  });
}

export type IssueListRow = Pick<Issue, "id" | "number" | "title" | "state" | "priority" | "createdAt" | "updatedAt"> & {
  authorName: string | null;
  assignee: IssueAssignee | null;
  labels: LabelRef[];
  /** Agent sessions on it waiting for a member's answer, and how many of them the viewer started. */
  waiting: { all: number; mine: number };
};

/** The assignee as lists and the properties panel show it. */
export type IssueAssignee =
  | { kind: "user"; userId: string; name: string }
  | { kind: "agent"; variantId: string; providerSlug: string; variantSlug: string; name: string; skillTrigger: string | null };

export type IssueFilters = {
  states?: IssueState[];
  priorities?: IssuePriority[];
  /** "none" = unassigned; otherwise a user id or an agent variant id. */
  assignees?: (string | "none")[];
  labelIds?: string[];
  /** Words the title contains (case-insensitive); sent as a parameter, never as SQL. */
  text?: string;
};

const assigneeUser = alias(users, "assignee_user");

/** `%`, `_` and `\` in what a person typed are literal characters, not patterns. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listIssues(db: Db, args: { workspaceId: string; projectId: string; viewerId?: string } & IssueFilters): Promise<IssueListRow[]> {
  const filters: (SQL | undefined)[] = [eq(issues.workspaceId, args.workspaceId), eq(issues.projectId, args.projectId)];
  if (args.states?.length) filters.push(inArray(issues.state, args.states));
  if (args.priorities?.length) filters.push(inArray(issues.priority, args.priorities));
  if (args.assignees?.length) {
    const ids = args.assignees.filter((a) => a !== "none");
    filters.push(
      or(
        args.assignees.includes("none") ? and(isNull(issues.assigneeUserId), isNull(issues.assigneeVariantId)) : undefined,
        ids.length ? or(inArray(issues.assigneeUserId, ids), inArray(issues.assigneeVariantId, ids)) : undefined,
      ),
    );
  }
  if (args.labelIds?.length) {
    filters.push(exists(db.select({ one: sql`1` }).from(issueLabels).where(and(eq(issueLabels.issueId, issues.id), inArray(issueLabels.labelId, args.labelIds)))));
  }
  if (args.text) filters.push(ilike(issues.title, likeContaining(args.text)));
  const rows = await db
    .select({
      id: issues.id,
      number: issues.number,
      title: issues.title,
      state: issues.state,
      priority: issues.priority,
      createdAt: issues.createdAt,
      updatedAt: issues.updatedAt,
      authorName: users.name,
      ...assigneeColumns,
      waitingAll: sql<number>`(select count(*)::int from agent_sessions s where s.issue_id = ${issues.id} and s.status = 'awaiting_input')`,
      waitingMine: args.viewerId
        ? sql<number>`(select count(*)::int from agent_sessions s where s.issue_id = ${issues.id} and s.status = 'awaiting_input' and s.requested_by = ${args.viewerId})`
        : sql<number>`0`,
    })
    .from(issues)
    .leftJoin(users, eq(users.id, issues.createdBy))
    .leftJoin(assigneeUser, eq(assigneeUser.id, issues.assigneeUserId))
    .leftJoin(agentProviderVariants, eq(agentProviderVariants.id, issues.assigneeVariantId))
    .leftJoin(agentProviders, eq(agentProviders.id, agentProviderVariants.providerId))
    .leftJoin(agentSkills, eq(agentSkills.id, issues.assigneeSkillId))
    .where(and(...filters))
    .orderBy(desc(issues.number))
    .limit(500);
  const labelsById = await labelsOfIssues(db, rows.map((r) => r.id));
  return rows.map(({ aUserId, aUserName, aVariantId, aVariantSlug, aVariantName, aProviderSlug, aSkill, waitingAll, waitingMine, ...r }) => ({
    ...r,
    waiting: { all: waitingAll, mine: waitingMine },
    assignee: toAssignee({ aUserId, aUserName, aVariantId, aVariantSlug, aVariantName, aProviderSlug, aSkill }),
    labels: labelsById.get(r.id) ?? [],
  }));
}

const assigneeColumns = {
  aUserId: assigneeUser.id,
  aUserName: assigneeUser.name,
  aVariantId: agentProviderVariants.id,
  aVariantSlug: agentProviderVariants.slug,
  aVariantName: agentProviderVariants.name,
  aProviderSlug: agentProviders.slug,
  aSkill: agentSkills.trigger,
};

type AssigneeColumns = { aUserId: string | null; aUserName: string | null; aVariantId: string | null; aVariantSlug: string | null; aVariantName: string | null; aProviderSlug: string | null; aSkill: string | null };

function toAssignee(c: AssigneeColumns): IssueAssignee | null {
  if (c.aUserId) return { kind: "user", userId: c.aUserId, name: c.aUserName ?? "Someone" };
  if (c.aVariantId && c.aProviderSlug && c.aVariantSlug) {
    return { kind: "agent", variantId: c.aVariantId, providerSlug: c.aProviderSlug, variantSlug: c.aVariantSlug, name: c.aVariantName ?? c.aVariantSlug, skillTrigger: c.aSkill };
  }
  return null;
}

export async function getIssueByNumber(db: Db, args: { workspaceId: string; projectId: string; number: number }) {
  const [row] = await db
    .select({ issue: issues, authorName: users.name, ...assigneeColumns })
    .from(issues)
    .leftJoin(users, eq(users.id, issues.createdBy))
    .leftJoin(assigneeUser, eq(assigneeUser.id, issues.assigneeUserId))
    .leftJoin(agentProviderVariants, eq(agentProviderVariants.id, issues.assigneeVariantId))
    .leftJoin(agentProviders, eq(agentProviders.id, agentProviderVariants.providerId))
    .leftJoin(agentSkills, eq(agentSkills.id, issues.assigneeSkillId))
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.projectId, args.projectId), eq(issues.number, args.number)));
  if (!row) return undefined;
  const { issue, authorName, ...assignee } = row;
  const labels = (await labelsOfIssues(db, [issue.id])).get(issue.id) ?? [];
  return { ...issue, authorName, assignee: toAssignee(assignee), labels };
}

export async function updateIssue(
  db: Db,
  args: { workspaceId: string; id: string; patch: Partial<Pick<Issue, "title" | "description" | "state" | "priority">> },
): Promise<Issue | undefined> {
  const [row] = await db
    .update(issues)
    .set({ ...args.patch, updatedAt: new Date() })
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.id, args.id)))
    .returning();
  return row;
}

export async function countIssuesByState(db: Db, args: { workspaceId: string; projectId: string }) {
  const rows = await db
    .select({ state: issues.state, n: sql<number>`count(*)::int` })
    .from(issues)
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.projectId, args.projectId)))
    .groupBy(issues.state)
    .orderBy(asc(issues.state));
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<IssueState, number>>;
}

export async function getIssueById(db: Db, args: { workspaceId: string; id: string }): Promise<Issue | undefined> {
  const [row] = await db.select().from(issues).where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.id, args.id)));
  return row;
}

/** The issues a live connection asks for that belong to the workspace, with their activity counters. */
export async function loadWatchedIssues(db: Db, args: { workspaceId: string; ids: string[] }) {
  if (args.ids.length === 0) return [];
  return db
    .select({ id: issues.id, activitySeq: issues.activitySeq })
    .from(issues)
    .where(and(eq(issues.workspaceId, args.workspaceId), inArray(issues.id, args.ids)));
}

export async function getIssueFields(db: Db, args: { workspaceId: string; id: string }) {
  const [row] = await db
    .select({ id: issues.id, title: issues.title, state: issues.state, description: issues.description, updatedAt: issues.updatedAt })
    .from(issues)
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.id, args.id)));
  return row;
}

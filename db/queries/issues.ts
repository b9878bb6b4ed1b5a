import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { issues, projects, users, type Issue, type IssueState } from "../schema";

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

export type IssueListRow = Pick<Issue, "id" | "number" | "title" | "state" | "createdAt" | "updatedAt"> & {
  authorName: string | null;
};

export async function listIssues(
  db: Db,
  args: { workspaceId: string; projectId: string; states?: IssueState[] },
): Promise<IssueListRow[]> {
  const filters = [eq(issues.workspaceId, args.workspaceId), eq(issues.projectId, args.projectId)];
  if (args.states?.length) filters.push(inArray(issues.state, args.states));
  return db
    .select({
      id: issues.id,
      number: issues.number,
      title: issues.title,
      state: issues.state,
      createdAt: issues.createdAt,
      updatedAt: issues.updatedAt,
      authorName: users.name,
    })
    .from(issues)
    .leftJoin(users, eq(users.id, issues.createdBy))
    .where(and(...filters))
    .orderBy(desc(issues.number));
}

export async function getIssueByNumber(db: Db, args: { workspaceId: string; projectId: string; number: number }) {
  const [row] = await db
    .select({ issue: issues, authorName: users.name })
    .from(issues)
    .leftJoin(users, eq(users.id, issues.createdBy))
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.projectId, args.projectId), eq(issues.number, args.number)));
  return row ? { ...row.issue, authorName: row.authorName } : undefined;
}

export async function updateIssue(
  db: Db,
  args: { workspaceId: string; id: string; patch: Partial<Pick<Issue, "title" | "description" | "state">> },
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

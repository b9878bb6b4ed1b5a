// The Agents page: sessions across the workspace, filtered, and runs/tokens/cost per day.
import { and, asc, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  agentProviders,
  agentProviderVariants,
  agentSessions,
  agentSkills,
  issues,
  projects,
  users,
  workspaceMembers,
  type SessionStatus,
} from "../schema";

/** Filters by id, already checked against the workspace by the caller. Null: no filter. */
export type BoardWhere = {
  workspaceId: string;
  statuses: readonly SessionStatus[] | null;
  providerId: string | null;
  requestedBy: string | null;
  projectId: string | null;
  /** One session only: its row for a live update. */
  sessionId?: string;
};

export type BoardOptions = {
  providers: { id: string; slug: string; name: string }[];
  projects: { id: string; identifier: string; name: string }[];
  members: { id: string; name: string }[];
};

/**
 * What the filters may name, in one round trip: every provider, the workspace's projects and
 * members. The same lists fill the filter bar and validate the query.
 */
export async function getBoardOptions(db: Db, workspaceId: string): Promise<BoardOptions> {
  const rows = await db
    // A union takes its column names from the first select: alias them there.
    .select({
      kind: sql<string>`'provider'`.as("kind"),
      id: agentProviders.id,
      key: sql<string>`${agentProviders.slug}`.as("key"),
      name: agentProviders.name,
      sort: sql<number>`${agentProviders.sortOrder}`.as("sort"),
    })
    .from(agentProviders)
    .unionAll(
      db
        .select({ kind: sql<string>`'project'`.as("kind"), id: projects.id, key: projects.identifier, name: projects.name, sort: sql<number>`0`.as("sort") })
        .from(projects)
        .where(eq(projects.workspaceId, workspaceId)),
    )
    .unionAll(
      db
        .select({ kind: sql<string>`'member'`.as("kind"), id: users.id, key: sql<string>`${users.id}::text`.as("key"), name: users.name, sort: sql<number>`0`.as("sort") })
        .from(workspaceMembers)
        .innerJoin(users, eq(users.id, workspaceMembers.userId))
        .where(eq(workspaceMembers.workspaceId, workspaceId)),
    )
    .orderBy(sql`sort`, sql`key`);
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  return {
    providers: of("provider").map((r) => ({ id: r.id, slug: r.key, name: r.name })),
    projects: of("project")
      .map((r) => ({ id: r.id, identifier: r.key, name: r.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    members: of("member")
      .map((r) => ({ id: r.id, name: r.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function boardWhere(f: BoardWhere): SQL | undefined {
  return and(
    eq(agentSessions.workspaceId, f.workspaceId),
    f.statuses ? inArray(agentSessions.status, [...f.statuses]) : undefined,
    f.providerId ? eq(agentSessions.providerId, f.providerId) : undefined,
    f.requestedBy ? eq(agentSessions.requestedBy, f.requestedBy) : undefined,
    f.projectId ? eq(agentSessions.projectId, f.projectId) : undefined,
    f.sessionId ? eq(agentSessions.id, f.sessionId) : undefined,
  );
}

export type BoardQueryRow = Awaited<ReturnType<typeof listBoardRows>>[number];

/**
 * Sessions across all issues of the workspace with what the board shows, in one query:
 * active ones first (anything not in `terminalStatuses`), each group newest first.
 */
export async function listBoardRows(db: Db, args: { where: BoardWhere; terminalStatuses: readonly SessionStatus[]; limit: number }) {
  const finished = sql<number>`case when ${inArray(agentSessions.status, [...args.terminalStatuses])} then 1 else 0 end`;
  return db
    .select({
      id: agentSessions.id,
      status: agentSessions.status,
      queuePosition: agentSessions.queuePosition,
      createdAt: agentSessions.createdAt,
      startedAt: agentSessions.startedAt,
      finishedAt: agentSessions.finishedAt,
      inputTokens: agentSessions.inputTokens,
      outputTokens: agentSessions.outputTokens,
      costUsd: agentSessions.costUsd,
      branch: agentSessions.branch,
      pullRequestUrl: agentSessions.pullRequestUrl,
      issueNumber: issues.number,
      issueTitle: issues.title,
      projectIdentifier: projects.identifier,
      projectName: projects.name,
      providerSlug: agentProviders.slug,
      providerName: agentProviders.name,
      variantSlug: agentProviderVariants.slug,
      variantName: agentProviderVariants.name,
      skillTrigger: agentSkills.trigger,
      skillName: agentSkills.name,
      requesterId: users.id,
      requesterName: users.name,
    })
    .from(agentSessions)
    .innerJoin(issues, eq(issues.id, agentSessions.issueId))
    .innerJoin(projects, eq(projects.id, agentSessions.projectId))
    .innerJoin(agentProviders, eq(agentProviders.id, agentSessions.providerId))
    .innerJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .leftJoin(agentSkills, eq(agentSkills.id, agentSessions.skillId))
    .leftJoin(users, eq(users.id, agentSessions.requestedBy))
    .where(boardWhere(args.where))
    .orderBy(asc(finished), desc(agentSessions.createdAt), desc(agentSessions.id))
    .limit(args.limit);
}

export type DailyTotalRow = { day: string; runs: number; tokens: number; costUsd: number };

/** Runs, input + output tokens and cost per UTC day (`YYYY-MM-DD`) of sessions created since `since`; days without runs are absent. */
export async function listBoardDailyTotals(db: Db, args: { where: BoardWhere; since: Date }): Promise<DailyTotalRow[]> {
  const day = sql<string>`to_char(${agentSessions.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  return db
    .select({
      day,
      runs: sql<number>`count(*)::int`,
      // bigint and numeric arrive as strings from the driver.
      tokens: sql<number>`coalesce(sum(coalesce(${agentSessions.inputTokens}, 0) + coalesce(${agentSessions.outputTokens}, 0)), 0)`.mapWith(Number),
      costUsd: sql<number>`coalesce(sum(${agentSessions.costUsd}), 0)`.mapWith(Number),
    })
    .from(agentSessions)
    .where(and(boardWhere(args.where), gte(agentSessions.createdAt, args.since)))
    .groupBy(day)
    .orderBy(day);
}

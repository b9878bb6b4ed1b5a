import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  agentProviders,
  agentProviderVariants,
  agentSessions,
  agentSkills,
  agentWorkers,
  comments,
  issues,
  projects,
  users,
  workspaceAgentConfigs,
  workspaceMembers,
  type AgentSession,
  type SessionStatus,
  type WorkspaceRole,
} from "../schema";

/** Everything the worker needs to run one session, read once at claim time. */
export async function loadRunContext(db: Db, sessionId: string) {
  const [row] = await db
    .select({
      session: agentSessions,
      issue: issues,
      project: projects,
      provider: agentProviders,
      variant: agentProviderVariants,
      skill: agentSkills,
      config: workspaceAgentConfigs,
    })
    .from(agentSessions)
    .innerJoin(issues, eq(issues.id, agentSessions.issueId))
    .innerJoin(projects, eq(projects.id, agentSessions.projectId))
    .innerJoin(agentProviders, eq(agentProviders.id, agentSessions.providerId))
    .innerJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .leftJoin(agentSkills, eq(agentSkills.id, agentSessions.skillId))
    .leftJoin(
      workspaceAgentConfigs,
      and(eq(workspaceAgentConfigs.workspaceId, agentSessions.workspaceId), eq(workspaceAgentConfigs.providerId, agentSessions.providerId)),
    )
    .where(eq(agentSessions.id, sessionId));
  if (!row) return undefined;
  const recent = await db
    .select({
      bodyJson: comments.bodyJson,
      authorName: users.name,
      authorSessionId: comments.authorSessionId,
      // The author's role now (null: no longer a member, or the user is gone); the prompt leaves guests out unless the skill allows.
      authorRole: sql<WorkspaceRole | "agent" | null>`case when ${comments.authorSessionId} is not null then 'agent' else ${workspaceMembers.role}::text end`,
      createdAt: comments.createdAt,
      id: comments.id,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorUserId))
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, comments.workspaceId), eq(workspaceMembers.userId, comments.authorUserId)))
    .where(eq(comments.issueId, row.issue.id))
    .orderBy(desc(comments.createdAt))
    .limit(12);
  return { ...row, recentComments: recent.reverse() };
}

export type RunContext = NonNullable<Awaited<ReturnType<typeof loadRunContext>>>;

export async function getSessionStatus(db: Db, id: string): Promise<SessionStatus | undefined> {
  const [row] = await db.select({ status: agentSessions.status }).from(agentSessions).where(eq(agentSessions.id, id));
  return row?.status;
}

/** Fields that are not the status (container id, CLI session id); never moves a terminal session. */
export async function setSessionFields(db: Db, id: string, patch: Partial<Pick<AgentSession, "containerId" | "workerId" | "cliSessionId">>) {
  await db.update(agentSessions).set({ ...patch, updatedAt: sql`now()` }).where(eq(agentSessions.id, id));
}

/** The agent's answer as a comment; a retried finish finds the one it already posted. */
export async function insertAgentComment(db: Db, v: { workspaceId: string; issueId: string; sessionId: string; bodyJson: unknown; bodyHtml: string }): Promise<{ id: string; created: boolean }> {
  const [existing] = await db.select({ id: comments.id }).from(comments).where(eq(comments.authorSessionId, v.sessionId));
  if (existing) return { id: existing.id, created: false };
  const [row] = await db
    .insert(comments)
    .values({ workspaceId: v.workspaceId, issueId: v.issueId, authorSessionId: v.sessionId, bodyJson: v.bodyJson, bodyHtml: v.bodyHtml })
    .returning({ id: comments.id });
  return { id: row!.id, created: true };
}

export async function heartbeat(db: Db, worker: { id: string; hostname: string }) {
  await db
    .insert(agentWorkers)
    .values({ id: worker.id, hostname: worker.hostname })
    .onConflictDoUpdate({ target: agentWorkers.id, set: { lastSeenAt: sql`now()` } });
}

export async function removeWorker(db: Db, id: string) {
  await db.delete(agentWorkers).where(eq(agentWorkers.id, id));
}

/**
 * Sessions a worker holds (provisioning, running, streaming) whose worker is gone: silent for
 * longer than `staleSeconds`, or — where one process owns the database (`onlyWorkerId`, the
 * embedded default) — any worker but that one.
 */
export async function findLostSessions(db: Db, args: { staleSeconds: number; heldStatuses: readonly SessionStatus[]; onlyWorkerId?: string }) {
  const alive = db
    .select({ id: agentWorkers.id })
    .from(agentWorkers)
    .where(sql`${agentWorkers.lastSeenAt} > now() - make_interval(secs => ${args.staleSeconds})`);
  const gone = args.onlyWorkerId
    ? sql`${agentSessions.workerId} is distinct from ${args.onlyWorkerId}`
    : and(
        sql`(${agentSessions.workerId} is null or ${agentSessions.workerId} not in ${alive})`,
        lt(agentSessions.updatedAt, sql`now() - make_interval(secs => ${args.staleSeconds})`),
      );
  return db
    .select({ id: agentSessions.id, workerId: agentSessions.workerId })
    .from(agentSessions)
    .where(and(inArray(agentSessions.status, [...args.heldStatuses]), gone));
}

/** Rows of workers silent for longer than `staleSeconds` (or all but `keep`): their sessions were ended first. */
export async function removeSilentWorkers(db: Db, args: { staleSeconds: number; keep?: string }): Promise<number> {
  const rows = await db
    .delete(agentWorkers)
    .where(
      args.keep
        ? sql`${agentWorkers.id} <> ${args.keep}`
        : sql`${agentWorkers.lastSeenAt} < now() - make_interval(secs => ${args.staleSeconds})`,
    )
    .returning({ id: agentWorkers.id });
  return rows.length;
}

export async function getSessionStatuses(db: Db, ids: string[]): Promise<Map<string, SessionStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: agentSessions.id, status: agentSessions.status }).from(agentSessions).where(inArray(agentSessions.id, ids));
  return new Map(rows.map((r) => [r.id, r.status]));
}

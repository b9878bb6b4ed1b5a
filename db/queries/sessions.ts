// Agent sessions: created with their comment, read for cards and the API, their fields set by the worker.
import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { appendIssueActivity, type ActivityEntry } from "./issue-events";
import { agentProviders, agentProviderVariants, agentSessions, agentSkills, comments, workspaceAgentConfigs, type AgentSession, type Comment, type SessionStatus } from "../schema";

export type NewSession = Omit<typeof agentSessions.$inferInsert, "id" | "status" | "triggerCommentId" | "createdAt" | "updatedAt">;

/** Oldest first; the agents of one comment (one insert, one created_at) in the order they were mentioned. */
const sessionOrder = [asc(agentSessions.createdAt), asc(agentSessions.mentionIndex), asc(agentSessions.id)] as const;

export type LimitExceeded = { providerId: string; limit: number; active: number };

/**
 * One transaction: lock each provider's config row (in a fixed order, so two invokes cannot
 * deadlock), count that provider's active sessions, and only then write the comment and the
 * sessions. The lock makes count-then-insert safe: concurrent invokes queue on it.
 */
export async function insertCommentAndSessions(
  db: Db,
  args: {
    workspaceId: string;
    comment: Omit<typeof comments.$inferInsert, "id" | "workspaceId"> | { existingId: string };
    sessions: NewSession[];
    activeStatuses: readonly SessionStatus[];
  },
): Promise<{ ok: true; comment: Comment; sessions: AgentSession[]; activity: ActivityEntry[] } | { ok: false; exceeded: LimitExceeded }> {
  return db
    .transaction(async (tx) => {
      await holdProviderLimits(tx, args);
      let comment: Comment;
      if ("existingId" in args.comment) {
        const [row] = await tx
          .select()
          .from(comments)
          .where(and(eq(comments.workspaceId, args.workspaceId), eq(comments.id, args.comment.existingId)));
        if (!row) throw new Error("insertCommentAndSessions: comment vanished");
        comment = row;
      } else {
        const [row] = await tx.insert(comments).values({ ...args.comment, workspaceId: args.workspaceId }).returning();
        comment = row!;
      }
      const sessions = args.sessions.length
        ? await tx
            .insert(agentSessions)
            .values(args.sessions.map((s) => ({ ...s, triggerCommentId: comment.id })))
            .returning()
        : [];
      const activity: ActivityEntry[] = [];
      if (!("existingId" in args.comment)) activity.push((await appendIssueActivity(tx, comment.issueId, "comment.created", comment.id))!);
      for (const s of sessions) activity.push((await appendIssueActivity(tx, s.issueId, "session.created", s.id))!);
      return { ok: true as const, comment, sessions, activity };
    })
    .catch((err: unknown) => {
      if (err instanceof LimitRollback) return { ok: false as const, exceeded: err.exceeded };
      throw err;
    });
}

/**
 * Locks each provider's config row (in a fixed order, so two writers cannot deadlock) and counts its
 * active sessions; throws LimitRollback when the new sessions would pass a limit set to refuse.
 * Call first in the transaction that inserts the sessions.
 */
export async function holdProviderLimits(tx: Db, args: { workspaceId: string; sessions: NewSession[]; activeStatuses: readonly SessionStatus[] }) {
  const providerIds = [...new Set(args.sessions.map((s) => s.providerId))].sort();
  for (const providerId of providerIds) {
    const [config] = await tx
      .select({ max: workspaceAgentConfigs.maxConcurrentSessions, whenFull: workspaceAgentConfigs.whenFull })
      .from(workspaceAgentConfigs)
      .where(and(eq(workspaceAgentConfigs.workspaceId, args.workspaceId), eq(workspaceAgentConfigs.providerId, providerId)))
      .for("update");
    const [active] = await tx
      .select({ n: count() })
      .from(agentSessions)
      .where(and(eq(agentSessions.workspaceId, args.workspaceId), eq(agentSessions.providerId, providerId), inArray(agentSessions.status, [...args.activeStatuses])));
    // A full limit queues the new sessions unless the admins chose to refuse them.
    if ((config?.whenFull ?? "queue") === "queue") continue;
    const wanted = args.sessions.filter((s) => s.providerId === providerId).length;
    const limit = config?.max ?? 0;
    if ((active?.n ?? 0) + wanted > limit) throw new LimitRollback({ providerId, limit, active: active?.n ?? 0 });
  }
}

export class LimitRollback extends Error {
  constructor(readonly exceeded: LimitExceeded) {
    super("concurrency limit reached");
  }
}

/** The latest run of this agent (provider and variant) on the issue: a new mention of it is a follow-up. */
export async function latestSessionOfAgent(db: Db, args: { issueId: string; providerId: string; variantId: string }): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: agentSessions.id })
    .from(agentSessions)
    .where(and(eq(agentSessions.issueId, args.issueId), eq(agentSessions.providerId, args.providerId), eq(agentSessions.variantId, args.variantId)))
    .orderBy(desc(agentSessions.createdAt))
    .limit(1);
  return row;
}

export async function getSession(db: Db, args: { workspaceId: string; id: string }): Promise<AgentSession | undefined> {
  const [row] = await db.select().from(agentSessions).where(and(eq(agentSessions.workspaceId, args.workspaceId), eq(agentSessions.id, args.id)));
  return row;
}

export async function listSessionsForIssue(db: Db, args: { workspaceId: string; issueId: string }): Promise<AgentSession[]> {
  return db
    .select()
    .from(agentSessions)
    .where(and(eq(agentSessions.workspaceId, args.workspaceId), eq(agentSessions.issueId, args.issueId)))
    .orderBy(...sessionOrder);
}

/** The conditional update behind every status change: it only happens if the row is still in one of `from`. */
export async function updateSessionStatus(
  db: Db,
  args: { id: string; from: readonly SessionStatus[]; to: SessionStatus; patch?: Partial<typeof agentSessions.$inferInsert> },
): Promise<AgentSession | undefined> {
  if (args.from.length === 0) return undefined;
  const [row] = await db
    .update(agentSessions)
    .set({ ...args.patch, status: args.to, updatedAt: sql`now()` })
    .where(
      and(
        eq(agentSessions.id, args.id),
        inArray(agentSessions.status, [...args.from]),
        // Only a session holding a slot under its provider's limit may start.
        args.to === "provisioning" ? isNotNull(agentSessions.admittedAt) : undefined,
      ),
    )
    .returning();
  return row;
}

/**
 * A session with what its timeline card shows: provider, variant and skill names, and the agent's
 * comment. Never the stored patch (up to 1 MB per session): only whether there is one.
 */
export type SessionCardRow = Omit<AgentSession, "diffPatch"> & {
  providerSlug: string;
  providerName: string;
  providerGroup: string;
  variantSlug: string;
  variantName: string;
  skillTrigger: string | null;
  skillName: string | null;
  answerHtml: string | null;
  hasDiff: boolean;
};

const { diffPatch: _patch, ...cardColumns } = getTableColumns(agentSessions);

export async function listSessionCards(db: Db, args: { workspaceId: string; issueId?: string; id?: string }): Promise<SessionCardRow[]> {
  const rows = await db
    .select({
      session: cardColumns,
      hasDiff: sql<boolean>`${agentSessions.diffPatch} is not null`,
      providerSlug: agentProviders.slug,
      providerName: agentProviders.name,
      providerGroup: agentProviders.groupName,
      variantSlug: agentProviderVariants.slug,
      variantName: agentProviderVariants.name,
      skillTrigger: agentSkills.trigger,
      skillName: agentSkills.name,
      answerHtml: comments.bodyHtml,
    })
    .from(agentSessions)
    .innerJoin(agentProviders, eq(agentProviders.id, agentSessions.providerId))
    .innerJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .leftJoin(agentSkills, eq(agentSkills.id, agentSessions.skillId))
    .leftJoin(comments, eq(comments.authorSessionId, agentSessions.id))
    .where(
      and(
        eq(agentSessions.workspaceId, args.workspaceId),
        args.issueId ? eq(agentSessions.issueId, args.issueId) : undefined,
        args.id ? eq(agentSessions.id, args.id) : undefined,
      ),
    )
    .orderBy(...sessionOrder);
  return rows.map(({ session, ...rest }) => ({ ...session, ...rest }));
}

export async function getSessionStatus(db: Db, id: string): Promise<SessionStatus | undefined> {
  const [row] = await db.select({ status: agentSessions.status }).from(agentSessions).where(eq(agentSessions.id, id));
  return row?.status;
}

export async function getSessionStatuses(db: Db, ids: string[]): Promise<Map<string, SessionStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: agentSessions.id, status: agentSessions.status }).from(agentSessions).where(inArray(agentSessions.id, ids));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Fields that are not the status (container id, CLI session id); never moves a terminal session. */
export async function setSessionFields(db: Db, id: string, patch: Partial<Pick<AgentSession, "containerId" | "workerId" | "cliSessionId">>) {
  await db.update(agentSessions).set({ ...patch, updatedAt: sql`now()` }).where(eq(agentSessions.id, id));
}

export type DeliveryFields = {
  branch?: string | null;
  commitSha?: string | null;
  pullRequestUrl?: string | null;
  filesChanged?: { path: string; additions: number; deletions: number }[] | null;
  diffPatch?: string | null;
};

export async function setDeliveryFields(db: Db, id: string, fields: DeliveryFields) {
  await db.update(agentSessions).set({ ...fields, updatedAt: new Date() }).where(eq(agentSessions.id, id));
}

/** Every session of those issues, with where its log ends. */
export async function loadWatchedSessions(db: Db, args: { workspaceId: string; issueIds: string[] }): Promise<{ id: string; issueId: string; status: SessionStatus; eventSeq: number }[]> {
  if (args.issueIds.length === 0) return [];
  return db
    .select({ id: agentSessions.id, issueId: agentSessions.issueId, status: agentSessions.status, eventSeq: agentSessions.eventSeq })
    .from(agentSessions)
    .where(and(eq(agentSessions.workspaceId, args.workspaceId), inArray(agentSessions.issueId, args.issueIds)));
}

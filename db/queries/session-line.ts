// The line of sessions waiting for a slot under a provider's concurrency limit (lib/sessions/admission.ts).
import { and, asc, count, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentProviders, agentSessions, workspaceAgentConfigs, workspaceConnections, type SessionStatus } from "../schema";

/**
 * Under the provider config's row lock: the limit, how many sessions hold a slot, and who waits
 * for one (oldest first, locked so two admissions cannot hand out the same slot).
 */
export async function lockLine(db: Db, args: { workspaceId: string; providerId: string; activeStatuses: readonly SessionStatus[] }) {
  const [config] = await db
    .select({ max: workspaceAgentConfigs.maxConcurrentSessions })
    .from(workspaceAgentConfigs)
    .where(and(eq(workspaceAgentConfigs.workspaceId, args.workspaceId), eq(workspaceAgentConfigs.providerId, args.providerId)))
    .for("update");
  const [held] = await db
    .select({ n: count() })
    .from(agentSessions)
    .where(
      and(
        eq(agentSessions.workspaceId, args.workspaceId),
        eq(agentSessions.providerId, args.providerId),
        inArray(agentSessions.status, [...args.activeStatuses]),
        isNotNull(agentSessions.admittedAt),
      ),
    );
  const waiting = await db
    .select({ id: agentSessions.id, status: agentSessions.status, queuePosition: agentSessions.queuePosition })
    .from(agentSessions)
    .where(
      and(
        eq(agentSessions.workspaceId, args.workspaceId),
        eq(agentSessions.providerId, args.providerId),
        inArray(agentSessions.status, ["pending", "queued"]),
        isNull(agentSessions.admittedAt),
      ),
    )
    // Those already in line keep their order; newcomers join behind them in the order they were written.
    .orderBy(sql`${agentSessions.queuedAt} asc nulls last`, asc(agentSessions.createdAt), asc(agentSessions.id))
    .for("update");
  const [provider] = await db
    .select({ name: agentProviders.name, connection: workspaceConnections.connectionStatus })
    .from(agentProviders)
    .leftJoin(workspaceConnections, and(eq(workspaceConnections.workspaceId, args.workspaceId), eq(workspaceConnections.kind, agentProviders.slug)))
    .where(eq(agentProviders.id, args.providerId));
  return { limit: config?.max ?? 0, held: held?.n ?? 0, waiting, providerName: provider?.name ?? "Agent", needsReconnect: provider?.connection === "needs_reconnect" };
}

/**
 * One instant for the whole batch (the statement's, taken under the line's lock): sessions admitted
 * together are equal, and a later admission is always later (clock_timestamp() per row would follow
 * the table's physical order instead).
 */
export async function markAdmitted(db: Db, ids: string[]) {
  if (ids.length === 0) return;
  await db.update(agentSessions).set({ admittedAt: sql`statement_timestamp()`, queuePosition: null }).where(inArray(agentSessions.id, ids));
}

/** pending → queued, stamped with the time it joined (taken under the line's lock, so in joining order). */
export async function joinLine(db: Db, id: string, position: number | null) {
  await db
    .update(agentSessions)
    .set({ status: "queued", queuePosition: position, queuedAt: sql`clock_timestamp()`, updatedAt: sql`now()` })
    .where(and(eq(agentSessions.id, id), eq(agentSessions.status, "pending")));
}

export async function setQueuePosition(db: Db, id: string, position: number | null) {
  await db.update(agentSessions).set({ queuePosition: position }).where(eq(agentSessions.id, id));
}

/** Pending sessions whose admission never ran (the web process stopped between commit and admission). */
export async function providersWithWaitingSessions(db: Db) {
  return db
    .selectDistinct({ workspaceId: agentSessions.workspaceId, providerId: agentSessions.providerId })
    .from(agentSessions)
    .where(and(inArray(agentSessions.status, ["pending", "queued"]), isNull(agentSessions.admittedAt)));
}

/** Sessions holding a slot that no worker has claimed yet, oldest slot first: each must have a job. */
export async function admittedWaiting(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: agentSessions.id })
    .from(agentSessions)
    .where(and(eq(agentSessions.status, "queued"), isNotNull(agentSessions.admittedAt)))
    .orderBy(asc(agentSessions.admittedAt), asc(agentSessions.id));
  return rows.map((r) => r.id);
}

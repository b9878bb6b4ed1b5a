// Worker processes: heartbeats, and the sessions of workers that stopped beating (lib/sessions/reconcile.ts).
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessions, agentWorkers, type SessionStatus } from "../schema";

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
    .select({ id: agentSessions.id, workerId: agentSessions.workerId, status: agentSessions.status })
    .from(agentSessions)
    // A parked session (waiting on a member, no worker) is not lost: an answer puts it back in line.
    .where(and(inArray(agentSessions.status, [...args.heldStatuses]), gone, sql`not (${agentSessions.status} = 'awaiting_input' and ${agentSessions.workerId} is null)`));
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

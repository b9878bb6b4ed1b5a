import type { Db } from "@/db/client";
import { soleLeadership, type Leadership } from "@/db/leader";
import { findLostSessions, removeSilentWorkers } from "@/db/queries/workers";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import type { LiveBus } from "@/lib/bus/session-events";
import { describeError } from "@/lib/log/describe-error";
import type { SessionQueue } from "@/lib/queue/session-queue";
import { recoverLine } from "./admission";
import { expireParkedRequests, parkSession } from "./requests";
import { workerLostMessage } from "./failure";
import { transitionSession } from "./transitions";
import { logFor } from "@/lib/observability/log";

/** Statuses in which a worker holds the session: only its worker moves it on. */
const HELD = ["provisioning", "running", "streaming", "awaiting_input"] as const;

export type ReconcilerOptions = {
  db: Db;
  queue: SessionQueue;
  bus?: LiveBus;
  cancel?: CancelSignal;
  /** Who may run the chores now (default: this process alone, as in the embedded default). */
  leadership?: Leadership;
  /** A worker silent for this long is gone (it beats every few seconds; see WORKER_HEARTBEAT_MS). */
  staleSeconds?: number;
  everyMs?: number;
  /**
   * The worker in this process, when there is one. With `sole` (embedded PGlite: one process owns
   * the database) every other worker is known to be gone, so their sessions end at once.
   */
  local?: { workerId: string; active: () => ReadonlySet<string>; sole?: boolean };
};

export type ReconcileResult = { failed: number; placed: number; requeued: number; workersRemoved: number };

/**
 * Makes the database's sessions and reality agree, whoever is alive: a session whose worker is
 * gone ends (with its `done` and final comment), a session in line whose job was lost (a Redis
 * without persistence restarted, an embedded server killed) gets its job back, and rows of dead
 * workers go. Runs on the leader only, so it works with no worker alive (the web process takes part).
 */
export async function reconcileOnce(o: ReconcilerOptions & { observedSeconds: number }): Promise<ReconcileResult> {
  const staleSeconds = o.staleSeconds ?? 20;
  let failed = 0;
  let workersRemoved = 0;
  const sole = o.local?.sole ? o.local.workerId : undefined;
  // A leader that could not look for a while (its own outage) cannot tell a dead worker from a silent one yet.
  if (sole || o.observedSeconds >= staleSeconds) {
    const localActive = o.local?.active() ?? new Set<string>();
    for (const lost of await findLostSessions(o.db, { staleSeconds, heldStatuses: HELD, onlyWorkerId: sole })) {
      if (lost.workerId === o.local?.workerId && localActive.has(lost.id)) continue;
      // Waiting on a member: parked, so the answer still reaches it (in a resumed run).
      if (lost.status === "awaiting_input" && (await parkSession(o.db, lost.id, { bus: o.bus }))) continue;
      const moved = await transitionSession(o.db, lost.id, "failed", { errorCode: "worker_lost", errorMessage: workerLostMessage }, { bus: o.bus, queue: o.queue });
      if (moved) {
        failed++;
        // A worker that is alive but cut off stops the run when it hears this (or on its next status poll).
        await o.cancel?.publish(lost.id).catch(() => undefined);
      }
    }
    workersRemoved = await removeSilentWorkers(o.db, { staleSeconds, keep: sole });
  }
  await expireParkedRequests(o.db, { bus: o.bus, queue: o.queue });
  const line = await recoverLine(o.db, { queue: o.queue, bus: o.bus });
  return { failed, workersRemoved, ...line };
}

/** Runs `reconcileOnce` every `everyMs` on whichever process leads; returns a stop function. */
export function startReconciler(o: ReconcilerOptions): { stop: () => Promise<void>; tick: () => Promise<ReconcileResult | null> } {
  const leadership = o.leadership ?? soleLeadership;
  let healthySince: number | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = async (): Promise<ReconcileResult | null> => {
    if (stopped) return null;
    try {
      if (!(await leadership.isLeader())) {
        healthySince = null;
        return null;
      }
      healthySince ??= Date.now();
      const result = await reconcileOnce({ ...o, observedSeconds: (Date.now() - healthySince) / 1000 });
      if (result.failed || result.placed || result.requeued || result.workersRemoved) {
        logFor("reconcile").info(`ended ${result.failed} sessions of lost workers, placed ${result.placed}, re-queued ${result.requeued}, removed ${result.workersRemoved} worker rows`);
      }
      return result;
    } catch (err) {
      healthySince = null;
      logFor("reconcile").error(`pass failed: ${describeError(err)}`);
      return null;
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, o.everyMs ?? 5_000);
  timer.unref();
  running = running.then(tick);
  return {
    tick: () => (running = running.then(tick)) as Promise<ReconcileResult | null>,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
      await leadership.close();
    },
  };
}

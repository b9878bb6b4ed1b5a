import { getDbHandle } from "./db/client";
import { advisoryLeadership } from "./db/leader";
import { getCancelSignal } from "./lib/bus/cancel-signal";
import { getLiveBus } from "./lib/bus/session-events";
import { getSessionQueue, MemorySessionQueue } from "./lib/queue/session-queue";
import { startReconciler } from "./lib/sessions/reconcile";

/** What the web process runs beside serving pages; stopped on SIGTERM. */
export type Background = { stop: () => Promise<void> };

/**
 * The web process's background work, and the one web-side file allowed to import workers/
 * (eslint.config.mjs). The embedded default (no REDIS_URL): the worker loop runs inside the web
 * process on the in-process queue; DISPATCH_EMBEDDED_WORKER=0 runs no agents from this process.
 * With separate workers (production), the web process still takes part in reconciling sessions,
 * so a lost worker's sessions end even when no other worker is alive.
 */
export async function startBackground(): Promise<Background> {
  const handle = getDbHandle();
  const queue = getSessionQueue();
  const leadership = handle.kind === "postgres" && process.env.DATABASE_URL ? advisoryLeadership(process.env.DATABASE_URL, "dispatch:reconciler") : undefined;
  if (queue instanceof MemorySessionQueue && process.env.DISPATCH_EMBEDDED_WORKER !== "0") {
    const { startWorker } = await import("./workers/worker");
    return startWorker({ db: handle.db, events: getLiveBus(), cancel: getCancelSignal(), source: { memory: queue }, reconcile: { leadership, sole: handle.kind === "pglite" } });
  }
  return startReconciler({ db: handle.db, queue, bus: getLiveBus(), cancel: getCancelSignal(), leadership });
}

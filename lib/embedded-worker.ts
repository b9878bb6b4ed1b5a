import { getDb } from "@/db/client";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus } from "@/lib/bus/session-events";
import { getSessionQueue, MemorySessionQueue } from "@/lib/queue/session-queue";

/**
 * The embedded default (no REDIS_URL): the worker loop runs inside the web process on the
 * in-process queue. Set DISPATCH_EMBEDDED_WORKER=0 to run no agents from this process.
 */
export async function startEmbeddedWorker(): Promise<void> {
  const queue = getSessionQueue();
  if (!(queue instanceof MemorySessionQueue) || process.env.DISPATCH_EMBEDDED_WORKER === "0") return;
  const { startWorker } = await import("@/workers/worker");
  await startWorker({ db: getDb(), events: getLiveBus(), cancel: getCancelSignal(), source: { memory: queue } });
}

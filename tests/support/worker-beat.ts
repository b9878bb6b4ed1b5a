import type { Db } from "@/db/client";
import { heartbeat } from "@/db/queries/workers";

/**
 * For tests and benches that move sessions themselves, as the worker: beat like a live worker,
 * or the reconciler of the server they drive ends those sessions as lost. Returns the stop function.
 */
export function beatAsWorker(db: Db, workerId: string, everyMs = 2_000): () => void {
  const beat = () => heartbeat(db, { id: workerId, hostname: workerId }).catch(() => undefined);
  void beat();
  const timer = setInterval(beat, everyMs);
  return () => clearInterval(timer);
}

import { getSessionStatus } from "@/db/queries/sessions";
import { isTerminal } from "@/lib/sessions/status";
import type { Run } from "./context";

export type StopReason = "cancelled" | "timed_out";

/**
 * Timeout, the cancel signal, and a status poll (pub/sub can miss): any of them kills the
 * container. `reason()` says which came first; `stop()` ends the watch.
 */
export async function watchForStop(run: Run, timeoutMinutes: number): Promise<{ reason(): StopReason | null; stop(): void }> {
  const { db, cancel } = run.deps;
  let reason: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (reason) return;
    reason = why;
    void run.container?.kill();
  };
  const timeoutMs = run.deps.timeoutMsOverride ?? timeoutMinutes * 60_000;
  const timer = setTimeout(() => stop("timed_out"), timeoutMs);
  const unsubscribe = await cancel.subscribe((id) => id === run.sessionId && stop("cancelled"));
  const poll = setInterval(async () => {
    const status = await getSessionStatus(db, run.sessionId).catch(() => undefined);
    // Cancelled by a member, or ended by the reconciler (it took this worker for lost): either way, stop.
    if (status && isTerminal(status)) stop("cancelled");
  }, run.deps.statusPollMs ?? 1000);
  return {
    reason: () => reason,
    stop() {
      clearTimeout(timer);
      clearInterval(poll);
      void unsubscribe();
    },
  };
}

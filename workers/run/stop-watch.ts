import { getSessionStatus } from "@/db/queries/sessions";
import { isTerminal } from "@/lib/sessions/status";
import type { Run } from "./context";

export type StopReason = "cancelled" | "timed_out";

export type StopWatch = { reason(): StopReason | null; stop(): void; pause(): void; resume(): void };

/**
 * Timeout, the cancel signal, and a status poll (pub/sub can miss): any of them kills the
 * container. `reason()` says which came first; `stop()` ends the watch. The timeout does not run
 * between `pause()` and `resume()` (the agent waits on a member); pauses nest.
 */
export async function watchForStop(run: Run, timeoutMinutes: number): Promise<StopWatch> {
  const { db, cancel } = run.deps;
  let reason: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (reason) return;
    reason = why;
    void run.container?.kill();
  };
  let left = run.deps.timeoutMsOverride ?? timeoutMinutes * 60_000;
  let since = Date.now();
  let timer: NodeJS.Timeout | undefined = setTimeout(() => stop("timed_out"), left);
  let paused = 0;
  const unsubscribe = await cancel.subscribe((id) => id === run.sessionId && stop("cancelled"));
  const poll = setInterval(async () => {
    const status = await getSessionStatus(db, run.sessionId).catch(() => undefined);
    // Cancelled by a member, or ended by the reconciler (it took this worker for lost): either way, stop.
    if (status && isTerminal(status)) stop("cancelled");
  }, run.deps.statusPollMs ?? 1000);
  return {
    reason: () => reason,
    pause() {
      if (paused++ > 0) return;
      clearTimeout(timer);
      timer = undefined;
      left -= Date.now() - since;
    },
    resume() {
      if (paused === 0 || --paused > 0) return;
      since = Date.now();
      timer = setTimeout(() => stop("timed_out"), Math.max(0, left));
    },
    stop() {
      paused = Number.POSITIVE_INFINITY;
      clearTimeout(timer);
      clearInterval(poll);
      void unsubscribe();
    },
  };
}

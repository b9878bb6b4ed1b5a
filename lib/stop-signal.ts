import { logFor } from "@/lib/observability/log";

/**
 * Runs `drain` once on SIGTERM or SIGINT, then exits (0, or 1 if it failed). `replace`: drop the
 * handlers already installed — Next's own waits for every open request to end (live streams never
 * do) and exits without draining the embedded worker (`npm start` also sets NEXT_MANUAL_SIG_HANDLE).
 */
export function onStopSignal(drain: (signal: NodeJS.Signals) => Promise<void>, opts: { replace?: boolean } = {}) {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    if (opts.replace) process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      drain(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          logFor("dispatch").error(`stopping failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
    });
  }
}

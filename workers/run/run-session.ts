import { describeError } from "@/lib/log/describe-error";
import { SessionFailure } from "@/lib/sessions/failure";
import { transitionSession } from "@/lib/sessions/transitions";
import { cleanup } from "./cleanup";
import { createRun, type Run, type RunnerDeps } from "./context";
import { deliver } from "./deliver";
import { fail } from "./finish";
import { prepare } from "./prepare";
import { runAgent } from "./run-agent";

export type { RunnerDeps } from "./context";

/**
 * The run, in order. Each step reads and fills the one `Run`; a step that ends the session stops
 * the line. A new step (a check command, a wait for an answer, a budget check) goes in here.
 */
const STEPS: ((run: Run) => Promise<void>)[] = [prepare, runAgent, deliver];

/**
 * Runs one session end to end: claim, prepare, run the CLI in its container, turn its output
 * into events, deliver the work and the answer, clean up. Safe to call twice for one id.
 */
export async function runSession(deps: RunnerDeps, sessionId: string): Promise<void> {
  const claimed = await transitionSession(deps.db, sessionId, "provisioning", { workerId: deps.workerId }, { bus: deps.events });
  if (!claimed) return; // cancelled before we got it, or another delivery already runs it

  const run = createRun(deps, sessionId);
  try {
    for (const step of STEPS) {
      if (run.ended) break;
      await step(run);
    }
  } catch (err) {
    if (err instanceof SessionFailure) {
      await fail(run, err.code, err.message);
    } else {
      console.error(`[worker] session ${sessionId} crashed: ${describeError(err)}`);
      await fail(run, "worker_error", `The worker failed while running the session (${err instanceof Error ? err.name : "error"}). The worker's log has the details; start the agent again.`);
    }
  } finally {
    await cleanup(run);
  }
}

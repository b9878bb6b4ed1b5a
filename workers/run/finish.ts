import { redactSecrets } from "@/lib/secrets/redact";
import type { FailureCode } from "@/lib/sessions/failure";
import { transitionSession } from "@/lib/sessions/transitions";
import { write, type Run, type Usage } from "./context";

/**
 * Writes what is still buffered, then ends the session (with the agent's comment, before its
 * `done`). A session cancelled meanwhile stays cancelled: the transition then does nothing.
 */
export async function finish(
  run: Run,
  status: "completed" | "failed" | "cancelled" | "timed_out",
  error: string | null = null,
  extra: Partial<Usage> & { answer?: string; errorCode?: FailureCode | null } = {},
  comment?: { bodyJson: unknown; bodyHtml: string },
) {
  if (run.ended) return;
  run.ended = true;
  if (error) error = redactSecrets(error, run.secrets);
  await run.log.flush();
  const patch = { errorMessage: error, ...extra };
  await write(run, () => transitionSession(run.deps.db, run.sessionId, status, status === "cancelled" ? {} : patch, { bus: run.deps.events, comment }));
}

/** Ends the session as failed, with the code and words a member sees in the card, the comment and the API. */
export function fail(run: Run, code: FailureCode, message: string) {
  return finish(run, "failed", message, { errorCode: code });
}

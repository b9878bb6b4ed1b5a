/**
 * Why a session did not complete: a stable code the UI and the API branch on, and words a member
 * can act on. Every path that ends a session without success names one of these.
 */
export const FAILURE_CODES = [
  "cancelled",
  "timed_out",
  "worker_lost",
  "worker_stopped",
  "database_unavailable",
  "docker_unreachable",
  "docker_not_answering",
  "image_missing",
  "out_of_memory",
  "provider_not_connected",
  "provider_needs_reconnect",
  "model_unreachable",
  "model_credential_refused",
  "model_rate_limited",
  "model_overloaded",
  "model_error",
  "clone_failed",
  "push_failed",
  "pull_request_failed",
  "forge_access",
  "cli_exited",
  "worker_error",
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

/** A failure raised inside a run, carried up to the step that ends the session. */
export class SessionFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.name = "SessionFailure";
  }
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const timedOutMessage = (minutes: number) => `Timed out after ${plural(minutes, "minute")}. Raise the skill's or provider's time limit, or split the work.`;

export const workerLostMessage = "The worker running this session stopped (crashed, was killed or lost its connection). Start the agent again.";

export const workerStoppedMessage = "The worker shut down before the session finished.";

export const databaseUnavailableMessage = "The database was unavailable for too long; the run was stopped. Start the agent again once it is back.";

/** What the model API answered, as seen by the worker's proxy, turned into a failure a member can act on. */
export function modelApiFailure(providerName: string, upstream: { status?: number; unreachable?: boolean }): SessionFailure | null {
  if (upstream.unreachable) return new SessionFailure("model_unreachable", `${providerName}'s API could not be reached from the worker. Check the worker's network, then start the agent again.`);
  switch (upstream.status) {
    case 401:
    case 403:
      return new SessionFailure("model_credential_refused", `${providerName} refused the workspace's credential (HTTP ${upstream.status}). An admin can reconnect it in Settings → Agents.`);
    case 429:
      return new SessionFailure("model_rate_limited", `${providerName} is rate-limiting this workspace's account (HTTP 429). Wait a little, or lower the concurrent-runs limit.`);
    case 529:
    case 503:
      return new SessionFailure("model_overloaded", `${providerName}'s API is overloaded (HTTP ${upstream.status}). Start the agent again in a few minutes.`);
    default:
      return upstream.status && upstream.status >= 500 ? new SessionFailure("model_error", `${providerName}'s API failed (HTTP ${upstream.status}). Start the agent again.`) : null;
  }
}

const TITLE: Record<"failed" | "cancelled" | "timed_out", string> = { failed: "Failed", cancelled: "Cancelled", timed_out: "Timed out" };

/** The one final comment of a session that ended without an answer of its own. */
export function outcomeCommentMarkdown(status: "failed" | "cancelled" | "timed_out", message: string | null): string {
  const title = TITLE[status];
  if (!message) return `**${title}** — no reason was recorded.`;
  // "Cancelled by Ada." or "Timed out after 5 minutes. …" already say it: bold their first sentence instead of repeating the title.
  if (message.toLowerCase().startsWith(title.toLowerCase())) {
    const end = message.indexOf(". ");
    return end < 0 ? `**${message}**` : `**${message.slice(0, end + 1)}**${message.slice(end + 1)}`;
  }
  return `**${title}** — ${message}`;
}

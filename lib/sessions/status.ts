import type { SessionStatus } from "@/db/schema";

export const TERMINAL_STATUSES = ["completed", "failed", "cancelled", "timed_out"] as const satisfies readonly SessionStatus[];
export const ACTIVE_STATUSES = ["pending", "queued", "provisioning", "running", "streaming", "awaiting_input"] as const satisfies readonly SessionStatus[];

export const isTerminal = (s: SessionStatus) => (TERMINAL_STATUSES as readonly SessionStatus[]).includes(s);

/**
 * The only moves a session can make. Every transition is a conditional UPDATE whose WHERE
 * names these sources, so a cancel racing a finish ends in exactly one terminal state.
 */
export const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  pending: [],
  // awaiting_input → queued: a parked session (its worker stopped while it waited) resumes once answered.
  queued: ["pending", "awaiting_input"],
  provisioning: ["pending", "queued"],
  running: ["provisioning"],
  streaming: ["running", "awaiting_input"],
  awaiting_input: ["running", "streaming"],
  completed: ["running", "streaming"],
  failed: ACTIVE_STATUSES,
  cancelled: ACTIVE_STATUSES,
  timed_out: ["provisioning", "running", "streaming", "awaiting_input"],
};

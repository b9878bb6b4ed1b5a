import type { SessionStatus } from "@/db/schema";

/** "4.2 s", "3 m 05 s", "1 h 02 m": compact, for card headers and footers. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} m`;
}

export function formatTokens(n: number): string {
  return n < 1000 ? String(n) : n < 100_000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n / 1000)}k`;
}

/** Costs below a cent keep enough digits to differ from zero. */
export function formatCost(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

export const STATUS_LABEL: Record<SessionStatus, string> = {
  pending: "Pending",
  queued: "Queued",
  provisioning: "Starting",
  running: "Running",
  streaming: "Working",
  awaiting_input: "Waiting for your answer",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

/** 1st, 2nd, 3rd, 4th, 11th, 22nd … */
export function ordinal(n: number): string {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
}

/** What a session that has a slot and waits for a worker says. */
export const WAITING_FOR_WORKER = "Waiting for a free worker";

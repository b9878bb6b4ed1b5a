import type { SessionStatus } from "@/db/schema";
import { STATUS_LABEL } from "@/lib/sessions/format";
import { isTerminal } from "@/lib/sessions/status";

/**
 * Colours of the statuses that have their own; any other status (one added to the enum later)
 * looks like the rest of its kind — active or finished — so it shows without a change here.
 */
const TONE: Partial<Record<SessionStatus, string>> = {
  pending: "bg-slate-100 text-slate-600",
  queued: "bg-sky-50 text-sky-700",
  provisioning: "bg-amber-50 text-amber-700",
  running: "bg-indigo-50 text-indigo-700",
  streaming: "bg-indigo-50 text-indigo-700",
  // Someone has to act: the one amber that stands out from the working blues.
  awaiting_input: "bg-amber-100 text-amber-800 ring-1 ring-inset ring-amber-300",
  completed: "bg-emerald-50 text-emerald-700",
  failed: "bg-red-50 text-red-700",
  cancelled: "bg-slate-100 text-slate-600",
  timed_out: "bg-orange-50 text-orange-700",
};

export const statusLabel = (status: SessionStatus): string => STATUS_LABEL[status] ?? status.replace(/_/g, " ");

/** A session's status as a pill; active ones pulse. `role="status"` so a change is announced where it is live. */
export function StatusBadge({ status, children }: { status: SessionStatus; children?: React.ReactNode }) {
  const active = !isTerminal(status);
  const tone = TONE[status] ?? (active ? "bg-indigo-50 text-indigo-700" : "bg-slate-100 text-slate-600");
  return (
    <span role="status" className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>
      {active && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" />}
      {statusLabel(status)}
      {children}
    </span>
  );
}

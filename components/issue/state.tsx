import type { IssueState } from "@/db/schema";

export const STATE_LABELS: Record<IssueState, string> = {
  backlog: "Backlog",
  todo: "Todo",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
};

const iconClass: Record<IssueState, string> = {
  backlog: "border-2 border-dashed border-slate-400",
  todo: "border-2 border-slate-400",
  in_progress: "border-2 border-amber-500 bg-[conic-gradient(theme(colors.amber.500)_0_50%,transparent_50%)]",
  done: "bg-indigo-600",
  cancelled: "bg-slate-400",
};

export function StateIcon({ state }: { state: IssueState }) {
  return <span aria-hidden className={`inline-block h-3.5 w-3.5 shrink-0 rounded-full ${iconClass[state]}`} />;
}

export function StateBadge({ state }: { state: IssueState }) {
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-xs font-medium text-slate-700">
      <StateIcon state={state} />
      {STATE_LABELS[state]}
    </span>
  );
}

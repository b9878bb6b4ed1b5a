import type { IssuePriority } from "@/db/schema";

export const PRIORITY_LABELS: Record<IssuePriority, string> = {
  none: "No priority",
  urgent: "Urgent",
  high: "High",
  medium: "Medium",
  low: "Low",
};

const BARS: Record<Exclude<IssuePriority, "none" | "urgent">, number> = { high: 3, medium: 2, low: 1 };

/** Signal bars (three filled = high), a red mark for urgent, a dash for none. */
export function PriorityIcon({ priority }: { priority: IssuePriority }) {
  if (priority === "urgent") {
    return (
      <span aria-hidden className="inline-flex h-3.5 w-3.5 shrink-0 items-center justify-center rounded-sm bg-red-500 text-[10px] font-bold leading-none text-white">
        !
      </span>
    );
  }
  if (priority === "none") return <span aria-hidden className="inline-block h-3.5 w-3.5 shrink-0 text-center text-xs leading-3 text-slate-300">–</span>;
  const filled = BARS[priority];
  return (
    <span aria-hidden className="inline-flex h-3.5 w-3.5 shrink-0 items-end gap-[2px]">
      {[1, 2, 3].map((n) => (
        <span key={n} className={`w-[3px] rounded-[1px] ${n <= filled ? "bg-slate-600" : "bg-slate-300"}`} style={{ height: `${n * 4 + 2}px` }} />
      ))}
    </span>
  );
}

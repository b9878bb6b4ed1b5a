import type { DailyTotal } from "@/lib/sessions/board-view";
import { formatCost, formatTokens } from "@/lib/sessions/format";

const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

/** Runs per UTC day of the last 30 days as small bars, the sums beside them, and the numbers per day on demand. */
export function DailyTotals({ totals }: { totals: DailyTotal[] }) {
  const sum = totals.reduce((a, t) => ({ runs: a.runs + t.runs, tokens: a.tokens + t.tokens, costUsd: a.costUsd + t.costUsd }), { runs: 0, tokens: 0, costUsd: 0 });
  const max = Math.max(1, ...totals.map((t) => t.runs));
  const first = totals[0];
  const last = totals[totals.length - 1];
  return (
    <section aria-labelledby="totals-heading" className="card px-4 py-3">
      <div className="flex flex-wrap items-end gap-x-8 gap-y-3">
        <div>
          <h2 id="totals-heading" className="text-sm font-semibold text-slate-900">
            Last 30 days
          </h2>
          <p className="text-xs text-slate-500">Per day (UTC), for the filters above</p>
        </div>
        <dl className="flex gap-6 text-sm">
          <div>
            <dt className="text-xs text-slate-500">Runs</dt>
            <dd className="font-semibold tabular-nums">{sum.runs}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Tokens</dt>
            <dd className="font-semibold tabular-nums">{formatTokens(sum.tokens)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Cost</dt>
            <dd className="font-semibold tabular-nums">{formatCost(sum.costUsd)}</dd>
          </div>
        </dl>
        <div className="min-w-[12rem] flex-1">
          <div className="flex h-12 items-end gap-px" role="img" aria-label={`Runs per day over the last 30 days, ${sum.runs} in all`}>
            {totals.map((t) => (
              <div
                key={t.day}
                className="flex h-full flex-1 items-end"
                title={`${dayLabel(t.day)}: ${t.runs} ${t.runs === 1 ? "run" : "runs"}, ${formatTokens(t.tokens)} tokens, ${formatCost(t.costUsd)}`}
              >
                <div className={`w-full rounded-sm ${t.runs ? "bg-indigo-400" : "bg-slate-200"}`} style={{ height: t.runs ? `${Math.max(8, (t.runs / max) * 100)}%` : "2px" }} />
              </div>
            ))}
          </div>
          {first && last && (
            <div className="mt-1 flex justify-between text-[10px] text-slate-400">
              <span>{dayLabel(first.day)}</span>
              <span>{dayLabel(last.day)}</span>
            </div>
          )}
        </div>
      </div>
      {sum.runs > 0 && (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-800">Per day</summary>
          <table className="mt-2 w-full max-w-md text-xs" aria-label="Totals per day">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 text-left font-medium">Day (UTC)</th>
                <th className="py-1 text-right font-medium">Runs</th>
                <th className="py-1 text-right font-medium">Tokens</th>
                <th className="py-1 text-right font-medium">Cost</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {[...totals]
                .reverse()
                .filter((t) => t.runs > 0)
                .map((t) => (
                  <tr key={t.day}>
                    <td className="py-1">{dayLabel(t.day)}</td>
                    <td className="py-1 text-right">{t.runs}</td>
                    <td className="py-1 text-right">{formatTokens(t.tokens)}</td>
                    <td className="py-1 text-right">{formatCost(t.costUsd)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}

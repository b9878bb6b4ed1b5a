"use client";

import { observer } from "mobx-react-lite";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useState } from "react";
import { cancelSessionAction } from "@/app/actions/agent-sessions";
import { Elapsed } from "@/components/agents/elapsed";
import { ProviderMark } from "@/components/agents/provider-mark";
import { StatusBadge } from "@/components/agents/status-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { sessionHref, type BoardFilters, type BoardRow } from "@/lib/sessions/board-view";
import { formatCost, formatTokens } from "@/lib/sessions/format";
import { isTerminal } from "@/lib/sessions/status";
import { liveConnectionFor } from "@/stores/live/shared-live";
import { useAgentsBoardStore } from "@/stores/store-provider";
import { BoardEmptyState } from "./empty-state";

type Props = {
  slug: string;
  rows: BoardRow[];
  filters: BoardFilters;
  /** Members cancel active runs; guests read only. */
  canCancel: boolean;
  filtered: boolean;
};

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
const td = "px-3 py-2 align-middle";

/** Every session of the workspace, one row each; a row opens the issue at the session's card. */
export const BoardTable = observer(function BoardTable({ slug, rows, filters, canCancel, filtered }: Props) {
  const store = useAgentsBoardStore();
  const router = useRouter();
  // Hydrate before paint so the server-rendered table and the store agree on first render.
  const [hydrated, setHydrated] = useState(false);
  useLayoutEffect(() => {
    store.hydrate(rows, filters);
    setHydrated(true);
  }, [store, rows, filters]);
  useEffect(
    () =>
      store.follow(liveConnectionFor(slug), async () => {
        const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/agent/board${window.location.search}`).catch(() => null);
        return res?.ok ? ((await res.json()) as { rows: BoardRow[] }).rows : null;
      }),
    [store, slug, filters],
  );
  const list = hydrated ? store.rows : rows;

  if (list.length === 0) return <BoardEmptyState slug={slug} filtered={filtered} />;

  function open(e: React.MouseEvent, row: BoardRow) {
    // Links and buttons inside the row do their own thing; a text selection is not a click.
    if ((e.target as HTMLElement).closest("a, button") || window.getSelection()?.toString()) return;
    if (e.metaKey || e.ctrlKey) window.open(sessionHref(slug, row), "_blank", "noopener");
    else router.push(sessionHref(slug, row));
  }

  return (
    <div className="card overflow-x-auto">
      <table className="w-full min-w-[72rem] text-sm" aria-label="Agent sessions">
        <thead className="border-b border-slate-200 bg-slate-50/60">
          <tr>
            <th className={th}>Issue</th>
            <th className={th}>Agent</th>
            <th className={th}>Skill</th>
            <th className={th}>Asked by</th>
            <th className={th}>Status</th>
            <th className={th}>Started</th>
            <th className={`${th} text-right`}>Elapsed</th>
            <th className={`${th} text-right`}>Tokens</th>
            <th className={`${th} text-right`}>Cost</th>
            <th className={th}>Branch / PR</th>
            {canCancel && (
              <th className={th}>
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.map((r) => (
            <BoardTableRow key={r.id} slug={slug} row={r} canCancel={canCancel} onOpen={open} onCancelled={(next) => store.upsert(next)} />
          ))}
        </tbody>
      </table>
    </div>
  );
});

function BoardTableRow({
  slug,
  row: r,
  canCancel,
  onOpen,
  onCancelled,
}: {
  slug: string;
  row: BoardRow;
  canCancel: boolean;
  onOpen: (e: React.MouseEvent, row: BoardRow) => void;
  onCancelled: (row: BoardRow) => void;
}) {
  const active = !isTerminal(r.status);
  const tokens = r.inputTokens !== null || r.outputTokens !== null ? (r.inputTokens ?? 0) + (r.outputTokens ?? 0) : null;
  return (
    <tr className={`cursor-pointer hover:bg-slate-50 ${active ? "bg-indigo-50/30" : ""}`} onClick={(e) => onOpen(e, r)} data-session-id={r.id}>
      <td className={`${td} max-w-[18rem]`}>
        <Link href={sessionHref(slug, r)} className="flex min-w-0 items-baseline gap-2 hover:underline">
          <span className="shrink-0 font-mono text-xs text-slate-500">{r.issue.key}</span>
          <span className="truncate text-slate-900" title={r.issue.title}>
            {r.issue.title}
          </span>
        </Link>
      </td>
      <td className={td}>
        <span className="flex items-center gap-1.5 whitespace-nowrap" title={`${r.provider.name} · ${r.variant.name}`}>
          <ProviderMark provider={r.provider.slug} size="xs" />
          <span className="text-slate-800">{r.variant.name}</span>
        </span>
      </td>
      <td className={td}>
        {r.skill ? (
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600" title={r.skill.name}>
            :{r.skill.trigger}
          </span>
        ) : (
          <span className="text-slate-300">—</span>
        )}
      </td>
      <td className={`${td} whitespace-nowrap text-slate-700`}>{r.requestedBy?.name ?? <span className="text-slate-400">Deleted user</span>}</td>
      <td className={td}>
        <StatusBadge status={r.status}>
          {r.queue && (
            <span className="font-normal" title={r.queue.reason}>
              · {r.queue.reason}
            </span>
          )}
        </StatusBadge>
      </td>
      <td className={`${td} whitespace-nowrap text-slate-500`}>{r.startedAt ? <RelativeTime date={r.startedAt} /> : <span className="text-slate-300">—</span>}</td>
      <td className={`${td} whitespace-nowrap text-right text-slate-600`}>
        {r.startedAt && (active || r.finishedAt) ? (
          <Elapsed from={r.startedAt} to={r.finishedAt} />
        ) : !r.startedAt && active ? (
          <span className="text-slate-400" title="Waiting since it was asked for">
            waiting <Elapsed from={r.createdAt} to={null} />
          </span>
        ) : (
          <span className="text-slate-300">—</span>
        )}
      </td>
      <td className={`${td} whitespace-nowrap text-right tabular-nums text-slate-600`} title={tokens === null ? undefined : `${r.inputTokens ?? 0} in / ${r.outputTokens ?? 0} out`}>
        {tokens === null ? <span className="text-slate-300">—</span> : formatTokens(tokens)}
      </td>
      <td className={`${td} whitespace-nowrap text-right tabular-nums text-slate-600`}>{r.costUsd === null ? <span className="text-slate-300">—</span> : formatCost(r.costUsd)}</td>
      <td className={`${td} max-w-[14rem]`}>
        {r.pullRequestUrl ? (
          <a href={r.pullRequestUrl} target="_blank" rel="noopener noreferrer" className="text-indigo-600 hover:underline" title={r.branch ?? undefined}>
            {pullRequestLabel(r.pullRequestUrl)}
          </a>
        ) : r.branch ? (
          <span className="block truncate font-mono text-xs text-slate-600" title={r.branch}>
            {r.branch}
          </span>
        ) : (
          <span className="text-slate-300">—</span>
        )}
      </td>
      {canCancel && <td className={`${td} text-right`}>{active && <CancelButton slug={slug} row={r} onCancelled={onCancelled} />}</td>}
    </tr>
  );
}

/** `…/pull/7` → "PR #7"; any other URL → "Pull request". */
function pullRequestLabel(url: string): string {
  const m = /\/pull\/(\d+)\/?$/.exec(url);
  return m ? `PR #${m[1]}` : "Pull request";
}

function CancelButton({ slug, row, onCancelled }: { slug: string; row: BoardRow; onCancelled: (row: BoardRow) => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function cancel() {
    setPending(true);
    const result = await cancelSessionAction(slug, row.id);
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setError(undefined);
    onCancelled({ ...row, status: result.data.status, finishedAt: result.data.finishedAt, queue: null });
  }
  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span role="alert" className="max-w-[12rem] truncate text-xs text-red-600" title={error}>
          {error}
        </span>
      )}
      <button type="button" className="btn-ghost px-2 py-0.5 text-xs" onClick={cancel} disabled={pending} aria-label={`Cancel ${row.variant.name} on ${row.issue.key}`}>
        {pending ? "Cancelling…" : "Cancel"}
      </button>
    </span>
  );
}

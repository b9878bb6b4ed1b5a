import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { statusLabel } from "@/components/agents/status-badge";
import { BoardTable } from "@/components/agents-board/board-table";
import { DailyTotals } from "@/components/agents-board/daily-totals";
import { FiltersBar, type RawBoardFilters } from "@/components/agents-board/filters-bar";
import { PageHeader } from "@/components/ui/page-header";
import { DispatchError, type ErrorBody } from "@/lib/errors";
import { BOARD_LIMIT, BOARD_STATUSES, getAgentsBoard, type Board } from "@/lib/sessions/board";
import { BOARD_PARAMS } from "@/lib/sessions/board-view";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export const metadata: Metadata = { title: "Agents" };

const STATUS_CHOICES = [
  { value: "active", label: "Active" },
  { value: "finished", label: "Finished" },
  ...BOARD_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
];

export default async function AgentsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/agents`);
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
  const values = Object.fromEntries(BOARD_PARAMS.map((k) => [k, first(query[k])])) as RawBoardFilters;

  // A bad filter in a shared link is the reader's to fix: say which, and offer the unfiltered page.
  let board: Board | null = null;
  let error: ErrorBody | null = null;
  try {
    board = await getAgentsBoard(getDb(), ctx, query);
  } catch (err) {
    if (!(err instanceof DispatchError && err.type === "bad_request")) throw err;
    error = err.toJSON();
  }

  return (
    <>
      <PageHeader
        title="Agents"
        subtitle={`Running, queued and recent agent sessions across the issues of ${ctx.workspace.name}`}
        actions={
          <Link href={`/${slug}/settings/agents`} prefetch={false} className="btn-secondary">
            Agent settings
          </Link>
        }
      />
      <main className="space-y-6 px-8 py-6">
        {error || !board ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">
            {error?.message ?? "These filters cannot be shown."}{" "}
            <Link href={`/${slug}/agents`} className="font-medium underline">
              Show all sessions
            </Link>
          </div>
        ) : (
          <>
            <FiltersBar slug={slug} values={values} options={board.options} statuses={STATUS_CHOICES} />
            <DailyTotals totals={board.totals} />
            <BoardTable slug={slug} rows={board.rows} filters={board.filters} canCancel={hasRole(ctx, "member")} filtered={Object.values(values).some(Boolean)} />
            {board.rows.length >= BOARD_LIMIT && (
              <p className="text-xs text-slate-500">Showing the {BOARD_LIMIT} most recent sessions (active ones first); narrow the filters to see older ones.</p>
            )}
          </>
        )}
      </main>
    </>
  );
}

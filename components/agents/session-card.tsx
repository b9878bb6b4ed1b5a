"use client";

import { observer } from "mobx-react-lite";
import { useParams } from "next/navigation";
import { useId, useState } from "react";
import { formatCost, formatDuration, formatTokens, STATUS_LABEL } from "@/lib/sessions/format";
import { isTerminal } from "@/lib/sessions/status";
import { withoutFinalError } from "@/lib/sessions/transcript";
import type { AgentSessionModel } from "@/stores/agent-session.model";
import { useAgentStore } from "@/stores/store-provider";
import { CollapsibleAnswer } from "./collapsible-answer";
import { SessionDiffPanel, useSessionDiff } from "./diff-panel";
import { Elapsed } from "./elapsed";
import { ProviderMark } from "./provider-mark";
import { StatusBadge } from "./status-badge";
import { TranscriptView } from "./transcript-view";


/** One agent session in the timeline: live while it runs, then the agent's comment. */
export const SessionCard = observer(function SessionCard({ model, canCancel }: { model: AgentSessionModel; canCancel: boolean }) {
  const store = useAgentStore();
  const s = model.session;
  const status = model.status;
  const active = !isTerminal(status);
  const [showWork, setShowWork] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string>();
  const [showDiff, setShowDiff] = useState(false);
  const diffId = useId();
  const slug = useParams<{ slug: string }>()?.slug ?? "";
  const diff = useSessionDiff(slug, s.id);
  const t = model.transcript;
  // The failure banner is the one place for the reason: the run's log does not repeat it.
  const finalError = active ? null : (s.error ?? t.done?.error ?? null);
  const items = finalError ? withoutFinalError(t.items, finalError) : t.items;
  const usage = s.inputTokens !== null ? { inputTokens: s.inputTokens, outputTokens: s.outputTokens ?? 0, costUsd: s.costUsd } : t.usage;

  async function cancel() {
    setCancelling(true);
    const result = await store.cancel(s.id);
    setCancelling(false);
    setError(result.ok ? undefined : result.error.message);
  }

  function toggleWork() {
    if (!showWork) void model.loadLog(); // a finished session's stored log, once
    setShowWork(!showWork);
  }

  function toggleDiff() {
    if (!showDiff) diff.load(); // once: a loaded diff is kept while the card lives
    setShowDiff(!showDiff);
  }

  const settled = !active && s.finishedAt !== null;
  const label = `${s.variant.name}${s.skill ? ` :${s.skill.trigger}` : ""}`;
  return (
    // The id is the Agents page's link target: /{slug}/issue/{KEY}#session-{id}.
    <li id={`session-${s.id}`} className="relative flex scroll-mt-6 gap-3" aria-label={`Agent session ${label}`} data-session-id={s.id} data-status={status}>
      <span className="z-10 rounded-full ring-4 ring-slate-50">
        <ProviderMark provider={s.provider.slug} />
      </span>
      <article className={`card min-w-0 flex-1 ${status === "awaiting_input" ? "border-amber-300 shadow-amber-100" : active ? "border-indigo-200 shadow-indigo-100" : ""}`}>
        <header className="flex items-center gap-2 border-b border-slate-100 px-4 py-2 text-sm">
          <span className="font-medium text-slate-900">{s.variant.name}</span>
          {s.skill && <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600" title={s.skill.name}>:{s.skill.trigger}</span>}
          <StatusBadge status={status} />
          {model.connection === "reconnecting" && <span className="text-xs text-amber-600">reconnecting…</span>}
          <span className="ml-auto text-xs text-slate-500">
            {s.startedAt ? (
              <Elapsed from={s.startedAt} to={s.finishedAt} />
            ) : active ? (
              <>
                {status === "pending" && "queued "}
                <Elapsed from={s.createdAt} to={null} />
              </>
            ) : null}
          </span>
          {active && canCancel && (
            <button type="button" className="btn-ghost px-2 py-0.5 text-xs" onClick={cancel} disabled={cancelling}>
              {cancelling ? "Cancelling…" : "Cancel"}
            </button>
          )}
        </header>

        <div className="space-y-3 px-4 py-3" aria-live={active ? "polite" : undefined}>
          {/* Streaming stays unclamped (the member is watching it); the finished answer collapses. */}
          {settled && s.answerHtml ? <CollapsibleAnswer key={s.answerHtml} html={s.answerHtml} /> : null}
          {(active || showWork || (!s.answerHtml && items.length > 0)) && <TranscriptView items={items} answering={{ sessionId: s.id, canAnswer: canCancel && active }} />}
          {active && t.items.length === 0 && <p className="text-sm text-slate-400">{t.statusMessage ?? (status === "pending" ? "Waiting for a worker…" : "Starting the agent…")}</p>}
          {settled && status !== "completed" && (
            <p role="alert" className={`rounded-md px-3 py-2 text-sm ${status === "cancelled" ? "bg-slate-50 text-slate-600" : "bg-red-50 text-red-700"}`}>
              {STATUS_LABEL[status]}: {s.error ?? t.done?.error ?? "no reason was recorded."}
            </p>
          )}
          {settled && status === "completed" && !s.answerHtml && <p className="text-sm text-slate-500">The agent finished without an answer.</p>}
          {error && (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          )}
        </div>

        {showDiff && <SessionDiffPanel id={diffId} state={diff.state} onRetry={diff.load} />}

        {(settled || usage) && (
          <footer className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
            {usage && (
              <span title="Input / output tokens">
                {formatTokens(usage.inputTokens)} in · {formatTokens(usage.outputTokens)} out
              </span>
            )}
            {usage?.costUsd != null && <span>{formatCost(usage.costUsd)}</span>}
            {s.startedAt && s.finishedAt && <span>{formatDuration(new Date(s.finishedAt).getTime() - new Date(s.startedAt).getTime())}</span>}
            {s.branch && <span className="font-mono">{s.branch}</span>}
            {s.pullRequestUrl && (
              <a href={s.pullRequestUrl} target="_blank" rel="noopener noreferrer" className="text-indigo-600 hover:underline">
                Pull request
              </a>
            )}
            {s.filesChanged && s.filesChanged.length > 0 && (
              <details>
                <summary className="cursor-pointer">{s.filesChanged.length} {s.filesChanged.length === 1 ? "file" : "files"} changed</summary>
                <ul className="mt-1 font-mono">
                  {s.filesChanged.map((f) => (
                    <li key={f.path}>
                      {f.path} <span className="text-emerald-600">+{f.additions}</span> <span className="text-red-600">−{f.deletions}</span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {s.hasDiff && (
              <button type="button" className="text-indigo-600 hover:underline" onClick={toggleDiff} aria-expanded={showDiff} aria-controls={diffId}>
                {showDiff ? "Hide changes" : "View changes"}
              </button>
            )}
            {settled && s.mode === "autonomous" && status === "completed" && !s.branch && <span>no changes</span>}
            {settled && (
              <button type="button" className="ml-auto text-slate-500 hover:text-slate-900" onClick={toggleWork} aria-expanded={showWork}>
                {showWork ? "Hide work" : "Show work"}
              </button>
            )}
          </footer>
        )}
      </article>
    </li>
  );
});

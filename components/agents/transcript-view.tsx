"use client";

import { observer } from "mobx-react-lite";
import { useEffect, useState } from "react";
import { MarkdownSequence, type IncrementalMarkdown } from "@/lib/markdown/incremental";
import { markdownScheduler } from "@/lib/markdown/scheduler";
import type { TranscriptItem } from "@/lib/sessions/transcript";
import { LiveMarkdown } from "./live-markdown";
import { RequestItem, type RequestAnswering } from "./request-item";

/** Claude Code names them mcp__dispatch__ask_team, Gemini CLI mcp_dispatch_ask_team. */
const DISPATCH_TOOL = /^mcp_{1,2}dispatch_{1,2}(ask_team|approve_action)$/;

const textOf = (item: TranscriptItem) => (item.kind === "text" ? item.text : null);

/**
 * The run as it happened: text, thoughts, compact tool rows (results folded), errors. Text is
 * Markdown rendered a block at a time, in order (see LiveMarkdown); the card shows the items up to
 * the first one still being rendered and holds back the ones after it, so it always shows a
 * beginning of the run – nothing later while something earlier is missing. Questions and approvals
 * sit in their place; `answering` says whether this viewer may answer them.
 */
export const TranscriptView = observer(function TranscriptView({ items, answering = null }: { items: TranscriptItem[]; answering?: RequestAnswering | null }) {
  const [sequence] = useState(() => new MarkdownSequence());
  const [, setFrontier] = useState(0);
  sequence.sync(items, textOf); // cuts new text into blocks; renders nothing
  const frontier = sequence.frontier;

  useEffect(() => {
    if (sequence.pending) markdownScheduler().add(sequence);
  });
  useEffect(() => {
    const update = () => setFrontier(sequence.frontier);
    update(); // progress made between this render and now
    return sequence.subscribe(update);
  }, [sequence]);
  useEffect(() => () => markdownScheduler().remove(sequence), [sequence]);

  return (
    <div className="space-y-2">
      {items.slice(0, frontier + 1).map((item, i) => (
        <Item key={i} item={item} md={item.kind === "text" ? sequence.part(i) : null} sequence={sequence} answering={answering} />
      ))}
    </div>
  );
});

type ItemProps = { item: TranscriptItem; md: IncrementalMarkdown | null; sequence: MarkdownSequence; answering: RequestAnswering | null };

const Item = observer(function Item({ item, md, sequence, answering }: ItemProps) {
  switch (item.kind) {
    case "text":
      return md && <LiveMarkdown md={md} sequence={sequence} />;
    case "thought":
      return (
        <details className="text-xs text-slate-500">
          <summary className="cursor-pointer select-none italic">Thinking…</summary>
          <p className="mt-1 whitespace-pre-wrap">{item.text}</p>
        </details>
      );
    case "tool":
      // Dispatch's own tools (a question, an approval) show as their request card instead.
      return DISPATCH_TOOL.test(item.name) ? null : <ToolRow item={item} />;
    case "error":
      return (
        <p className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-800" role="status">
          {item.message}
        </p>
      );
    case "request":
      return <RequestItem item={item} answering={answering} />;
  }
});

const ToolRow = observer(function ToolRow({ item }: { item: Extract<TranscriptItem, { kind: "tool" }> }) {
  const state = item.result === null ? "running" : item.result.ok ? "ok" : "failed";
  const icon = state === "running" ? "…" : state === "ok" ? "✓" : "✕";
  const color = state === "running" ? "text-slate-400" : state === "ok" ? "text-emerald-600" : "text-red-600";
  return (
    <details className="group rounded-md border border-slate-200 bg-slate-50 text-xs" data-testid="tool-row">
      <summary className="flex cursor-pointer select-none items-center gap-2 px-2 py-1 font-mono">
        <span aria-label={state} className={`w-3 text-center ${color}`}>
          {icon}
        </span>
        <span className="font-semibold text-slate-700">{item.name}</span>
        {item.target && <span className="min-w-0 flex-1 truncate text-slate-500">{item.target}</span>}
      </summary>
      <div className="space-y-1 border-t border-slate-200 px-2 py-1.5">
        {item.input !== null && <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all text-slate-600">{JSON.stringify(item.input, null, 2)}</pre>}
        {item.result && <pre className="max-h-60 overflow-auto whitespace-pre-wrap break-all text-slate-800">{item.result.output || "(no output)"}</pre>}
      </div>
    </details>
  );
});

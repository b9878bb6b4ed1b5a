"use client";

import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { DiffFile, DiffLineKind, DiffStatus, SessionDiff } from "@/lib/sessions/diff";

type Highlighter = typeof import("./diff-highlight");

/** With more files than this, only the first few start open. */
const MANY_FILES = 6;
const OPEN_WHEN_MANY = 3;
/** A file with more diff lines than this starts collapsed, and an open one shows this many rows until asked for the rest. */
const BIG_FILE_LINES = 600;
const ROWS_SHOWN = 1_000;

const STATUS_BADGE: Record<DiffStatus, string> = {
  added: "bg-emerald-50 text-emerald-700",
  deleted: "bg-red-50 text-red-700",
  renamed: "bg-amber-50 text-amber-700",
  modified: "bg-slate-100 text-slate-600",
};

const ROW: Record<DiffLineKind, { row: string; gutter: string; sign: string }> = {
  add: { row: "bg-emerald-50", gutter: "bg-emerald-100/70 text-emerald-800/60", sign: "+" },
  del: { row: "bg-red-50", gutter: "bg-red-100/70 text-red-800/60", sign: "-" },
  ctx: { row: "", gutter: "text-slate-400", sign: " " },
  note: { row: "text-slate-500 italic", gutter: "text-slate-400", sign: "\\" },
};

const lineCount = (f: DiffFile) => f.hunks.reduce((n, h) => n + h.lines.length + 1, 0);

/**
 * A session's commit as a unified diff: one collapsible section per file, line numbers, added and
 * removed lines tinted, syntax colours once the highlighter (loaded on first render) arrives.
 * Every piece of the patch is rendered as React text: it is agent output and never trusted.
 */
export function DiffView({ diff }: { diff: SessionDiff }) {
  const highlighter = useHighlighter();
  const [open, setOpen] = useState<ReadonlySet<number>>(() => {
    const first = diff.files.length > MANY_FILES ? OPEN_WHEN_MANY : diff.files.length;
    return new Set(diff.files.map((f, i) => (i < first && lineCount(f) <= BIG_FILE_LINES ? i : -1)).filter((i) => i >= 0));
  });
  const additions = diff.files.reduce((n, f) => n + f.additions, 0);
  const deletions = diff.files.reduce((n, f) => n + f.deletions, 0);
  const allOpen = open.size === diff.files.length;

  function toggle(i: number) {
    const next = new Set(open);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setOpen(next);
  }

  return (
    <div className="overflow-hidden rounded-md border border-slate-200 bg-white text-xs" data-testid="diff-view">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-slate-600">
        <span>
          {diff.files.length} {diff.files.length === 1 ? "file" : "files"} changed
        </span>
        <span>
          <span className="text-emerald-700">+{additions}</span> <span className="text-red-700">−{deletions}</span>
        </span>
        {diff.commit_sha && (
          <span className="font-mono" title={diff.commit_sha}>
            {diff.commit_sha.slice(0, 7)}
          </span>
        )}
        {diff.files.length > 1 && (
          <button type="button" className="ml-auto text-slate-500 hover:text-slate-900" onClick={() => setOpen(allOpen ? new Set() : new Set(diff.files.map((_, i) => i)))}>
            {allOpen ? "Collapse all" : "Expand all"}
          </button>
        )}
      </div>
      {diff.truncated && (
        <p role="note" className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-amber-800">
          This diff was longer than 1 MB and is cut short; the branch{diff.branch ? ` ${diff.branch}` : ""} has every change.
        </p>
      )}
      {diff.files.length === 0 && <p className="px-3 py-2 text-slate-500">No file changes were recorded.</p>}
      {diff.files.map((f, i) => (
        <DiffFileSection key={`${i}:${f.path}`} file={f} open={open.has(i)} onToggle={() => toggle(i)} highlighter={highlighter} />
      ))}
    </div>
  );
}

/** The highlighter's module, fetched the first time a diff is shown; null until then (or if it fails: the diff stays plain). */
function useHighlighter(): Highlighter | null {
  const [mod, setMod] = useState<Highlighter | null>(null);
  useEffect(() => {
    let live = true;
    import("./diff-highlight").then(
      (m) => live && setMod(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return mod;
}

function DiffFileSection({ file, open, onToggle, highlighter }: { file: DiffFile; open: boolean; onToggle: () => void; highlighter: Highlighter | null }) {
  return (
    <section className="border-b border-slate-200 last:border-b-0" aria-label={file.path}>
      <h4 className="m-0">
        <button type="button" aria-expanded={open} onClick={onToggle} className="flex w-full min-w-0 items-center gap-2 bg-white px-3 py-1.5 text-left hover:bg-slate-50">
          <span aria-hidden className={`inline-block text-slate-400 transition-transform ${open ? "rotate-90" : ""}`}>
            ▸
          </span>
          <span className="min-w-0 truncate font-mono text-slate-800" title={file.old_path ? `${file.old_path} → ${file.path}` : file.path}>
            {file.old_path ? (
              <>
                <span className="text-slate-500">{file.old_path}</span> → {file.path}
              </>
            ) : (
              file.path
            )}
          </span>
          <span className={`shrink-0 rounded px-1.5 py-0.5 font-medium ${STATUS_BADGE[file.status]}`}>{file.status}</span>
          <span className="ml-auto shrink-0 font-mono">
            {file.binary ? (
              <span className="text-slate-500">binary</span>
            ) : (
              <>
                <span className="text-emerald-700">+{file.additions}</span> <span className="text-red-700">−{file.deletions}</span>
              </>
            )}
          </span>
        </button>
      </h4>
      {open && <FileBody file={file} highlighter={highlighter} />}
    </section>
  );
}

type Row = { key: string; kind: DiffLineKind | "hunk"; content: ReactNode; oldNo: number | null; newNo: number | null };

function FileBody({ file, highlighter }: { file: DiffFile; highlighter: Highlighter | null }) {
  const [showAll, setShowAll] = useState(false);
  const rows = useMemo(() => {
    const out: Row[] = [];
    file.hunks.forEach((h, hi) => {
      const colored = highlighter?.highlightHunk(file.path, h.lines) ?? null;
      out.push({ key: `h${hi}`, kind: "hunk", content: h.header, oldNo: null, newNo: null });
      h.lines.forEach((l, li) => out.push({ key: `${hi}:${li}`, kind: l.kind, content: colored?.[li] ?? l.text, oldNo: l.old_no, newNo: l.new_no }));
    });
    return out;
  }, [file, highlighter]);

  if (file.binary) return <p className="px-3 py-2 text-slate-500">Binary file not shown.</p>;
  if (rows.length === 0) {
    const why = file.status === "renamed" ? "Renamed without changes." : file.status === "added" ? "Empty file." : "No changes to the text (file mode only).";
    return <p className="px-3 py-2 text-slate-500">{why}</p>;
  }
  const shown = showAll ? rows : rows.slice(0, ROWS_SHOWN);
  return (
    <>
      {/* Long lines scroll sideways, never wrap: the code keeps its shape. */}
      <div className="overflow-x-auto border-t border-slate-100">
        <table className="min-w-full border-collapse font-mono leading-5">
          <tbody>
            {shown.map((r) =>
              r.kind === "hunk" ? (
                <tr key={r.key} className="bg-indigo-50/70 text-slate-500">
                  <td colSpan={3} className="select-none px-2 text-right" aria-hidden>
                    ⋯
                  </td>
                  <td className="whitespace-pre px-2 py-0.5">{r.content}</td>
                </tr>
              ) : (
                <tr key={r.key} className={ROW[r.kind].row} data-kind={r.kind}>
                  <td className={`w-px select-none whitespace-nowrap px-2 text-right ${ROW[r.kind].gutter}`}>{r.oldNo ?? ""}</td>
                  <td className={`w-px select-none whitespace-nowrap px-2 text-right ${ROW[r.kind].gutter}`}>{r.newNo ?? ""}</td>
                  <td className="w-px select-none whitespace-pre pl-2 text-slate-500">{ROW[r.kind].sign}</td>
                  <td className="whitespace-pre pl-1 pr-4 text-slate-800">{r.content}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      {shown.length < rows.length && (
        <button type="button" className="w-full border-t border-slate-100 bg-slate-50 px-3 py-1.5 text-indigo-600 hover:underline" onClick={() => setShowAll(true)}>
          Show {rows.length - shown.length} more lines
        </button>
      )}
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useDismiss } from "@/components/ui/use-dismiss";
import { createLabelAction } from "@/app/actions/labels";
import { updateIssueAction } from "@/app/actions/update-issue";
import { useServerAction } from "@/components/ui/use-server-action";
import { useVersionedValue } from "@/components/ui/use-versioned-value";
import { LABEL_COLORS } from "@/lib/issues/schemas";
import { ColorSwatches } from "./color-swatches";
import { LabelChip } from "./label-chip";

type Label = { id: string; name: string; color: string };

type Props = { slug: string; issueKey: string; canWrite: boolean; labels: Label[]; updatedAt: string; workspaceLabels: Label[] };

const sameIds = (a: string[], b: string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** The issue's labels as chips; members pick from the workspace's labels or create one on the spot. */
export function LabelsField({ slug, issueKey, canWrite, labels, updatedAt, workspaceLabels }: Props) {
  const router = useRouter();
  const serverIds = useMemo(() => labels.map((l) => l.id), [labels]);
  const { value: chosen, commit, latest } = useVersionedValue(serverIds, updatedAt, sameIds);
  const [known, setKnown] = useState(workspaceLabels);
  const [open, setOpen] = useState(false);
  const save = useServerAction((ids: string[]) => updateIssueAction(slug, issueKey, { labels: ids }));
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => setKnown(workspaceLabels), [workspaceLabels]);
  useDismiss(panel, open, useCallback(() => setOpen(false), []));

  const apply = (ids: string[]) =>
    commit(ids, async (next) => {
      const result = await save.run(next);
      if (!result.ok) return null;
      router.refresh();
      return result.data.updatedAt;
    });

  const toggle = (id: string) => {
    const now = latest();
    return apply(now.includes(id) ? now.filter((x) => x !== id) : [...now, id]);
  };
  const shown = chosen.map((id) => known.find((l) => l.id === id)).filter((l): l is Label => !!l);

  return (
    <div className="relative" ref={panel}>
      <div className="flex flex-wrap items-center gap-1.5">
        {shown.length === 0 && !canWrite && <span className="text-slate-400">None</span>}
        {shown.map((l) => (
          <LabelChip key={l.id} label={l} onRemove={canWrite ? () => toggle(l.id) : undefined} />
        ))}
        {canWrite && (
          <button type="button" className="btn-ghost px-1.5 py-0.5 text-xs" aria-expanded={open} onClick={() => setOpen(!open)}>
            {shown.length ? (
              "Edit labels"
            ) : (
              <>
                <span aria-hidden>+</span> Add label
              </>
            )}
          </button>
        )}
      </div>
      {open && (
        <div role="dialog" aria-label="Labels" className="card absolute right-0 z-20 mt-1 w-64 p-2 shadow-lg">
          {known.length > 0 ? (
            <ul className="max-h-56 overflow-y-auto">
              {known.map((l) => (
                <li key={l.id}>
                  <label className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
                    <input type="checkbox" className="rounded border-slate-300" checked={chosen.includes(l.id)} disabled={save.pending} onChange={() => toggle(l.id)} />
                    <span aria-hidden className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: l.color }} />
                    <span className="truncate">{l.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-2 py-1 text-xs text-slate-500">No labels yet.</p>
          )}
          <NewLabelForm
            slug={slug}
            onCreated={(label) => {
              setKnown((k) => [...k, label].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" })));
              void apply([...latest(), label.id]);
            }}
          />
          {save.error && (
            <p role="alert" className="px-2 pt-1 text-xs text-red-600">
              {save.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** Name and colour of a new workspace label (also used on the Labels settings page). */
export function NewLabelForm({ slug, onCreated, compact = true }: { slug: string; onCreated: (label: Label) => void; compact?: boolean }) {
  const [name, setName] = useState("");
  const [color, setColor] = useState<string>(LABEL_COLORS[5]);
  const create = useServerAction((input: { name: string; color: string }) => createLabelAction(slug, input));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const result = await create.run({ name, color });
    if (result.ok) {
      setName("");
      onCreated(result.data);
    }
  }

  return (
    <form onSubmit={submit} aria-label="New label" className={compact ? "mt-2 space-y-2 border-t border-slate-100 px-2 pt-2" : "flex flex-wrap items-end gap-4"}>
      <div className={compact ? "" : "min-w-48 flex-1"}>
        {!compact && (
          <label htmlFor="new-label-name" className="mb-1 block text-sm font-medium text-slate-700">
            Name
          </label>
        )}
        <input
          id={compact ? undefined : "new-label-name"}
          aria-label="Label name"
          className={`input ${compact ? "py-1 text-xs" : ""}`}
          placeholder={compact ? "New label" : "e.g. bug"}
          value={name}
          maxLength={40}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div>
        {!compact && <span className="mb-1.5 block text-sm font-medium text-slate-700">Colour</span>}
        <ColorSwatches value={color} onChange={setColor} name="label-color" />
      </div>
      <button type="submit" className={compact ? "btn-secondary w-full px-2 py-1 text-xs" : "btn-primary"} disabled={create.pending || !name.trim()}>
        Create label
      </button>
      {create.error && (
        <p role="alert" className={`text-xs text-red-600 ${compact ? "" : "basis-full"}`}>
          {create.error.message}
        </p>
      )}
    </form>
  );
}

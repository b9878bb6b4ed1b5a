"use client";

import { useCallback, useRef, useState } from "react";
import { useDismiss } from "@/components/ui/use-dismiss";

export type FilterOption = { value: string; label: string; color?: string };
export type FilterGroup = { label?: string; options: FilterOption[] };

type Props = {
  /** "Label filter": the button's and the panel's accessible name. */
  name: string;
  /** What the button says with nothing chosen ("Any label"). */
  anyText: string;
  groups: FilterGroup[];
  selected: string[];
  /** Called with the new choice when the panel is applied (not on every tick). */
  onApply: (values: string[]) => void;
};

/**
 * A filter that may hold several values: a button naming the choice, a panel of boxes. Ticks stay
 * in the panel until Apply (or Enter), so choosing three labels is one change of the view, not three.
 */
export function FilterMenu({ name, anyText, groups, selected, onApply }: Props) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(selected);
  const panel = useRef<HTMLDivElement>(null);

  useDismiss(panel, open, useCallback(() => setOpen(false), []));

  const all = groups.flatMap((g) => g.options);
  const nameOf = (v: string) => all.find((o) => o.value === v)?.label ?? v;
  const summary = selected.length === 0 ? anyText : selected.length <= 2 ? selected.map(nameOf).join(", ") : `${nameOf(selected[0]!)} +${selected.length - 1}`;
  const toggle = (v: string) => setDraft((d) => (d.includes(v) ? d.filter((x) => x !== v) : [...d, v]));
  const apply = (values: string[]) => {
    setOpen(false);
    if (values.length !== selected.length || values.some((v) => !selected.includes(v))) onApply(values);
  };

  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        aria-label={name}
        aria-haspopup="dialog"
        aria-expanded={open}
        className={`input flex w-auto items-center gap-1 py-1 text-sm ${selected.length ? "border-indigo-300 text-slate-900" : "text-slate-600"}`}
        onClick={() => {
          setDraft(selected);
          setOpen(!open);
        }}
      >
        <span className="max-w-48 truncate">{summary}</span>
        <span aria-hidden className="text-slate-400">
          ▾
        </span>
      </button>
      {open && (
        <div role="dialog" aria-label={name} className="card absolute left-0 z-20 mt-1 w-64 p-2 shadow-lg">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              apply(draft);
            }}
          >
            <div className="max-h-64 overflow-y-auto">
              {groups.map((g, i) => (
                <fieldset key={g.label ?? i} className="mb-1">
                  {g.label && <legend className="px-2 pt-1 text-xs font-medium uppercase tracking-wide text-slate-400">{g.label}</legend>}
                  {g.options.map((o) => (
                    <label key={o.value} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
                      <input type="checkbox" className="rounded border-slate-300" checked={draft.includes(o.value)} onChange={() => toggle(o.value)} />
                      {o.color && <span aria-hidden className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: o.color }} />}
                      <span className="truncate">{o.label}</span>
                    </label>
                  ))}
                </fieldset>
              ))}
            </div>
            <div className="mt-2 flex gap-2 border-t border-slate-100 px-2 pt-2">
              <button type="submit" className="btn-primary px-3 py-1 text-xs">
                Apply
              </button>
              <button type="button" className="btn-ghost px-2 py-1 text-xs" disabled={draft.length === 0} onClick={() => apply([])}>
                {anyText}
              </button>
            </div>
          </form>
        </div>
      )}
    </div>
  );
}

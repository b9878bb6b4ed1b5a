"use client";

import { forwardRef, useEffect, useImperativeHandle, useState } from "react";
import type { SuggestionItem } from "@/lib/agents/suggestions";

export type MentionMenuHandle = { onKeyDown: (event: KeyboardEvent) => boolean };
type Props = { items: SuggestionItem[]; command: (item: SuggestionItem) => void };

/** The `@` menu: rows grouped under headings; arrows move, Enter or Tab picks, Escape closes (handled by the caller). */
export const MentionMenu = forwardRef<MentionMenuHandle, Props>(function MentionMenu({ items, command }, ref) {
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [items]);

  useImperativeHandle(ref, () => ({
    onKeyDown(event) {
      if (items.length === 0) return false;
      if (event.key === "ArrowDown") return setActive((i) => (i + 1) % items.length), true;
      if (event.key === "ArrowUp") return setActive((i) => (i - 1 + items.length) % items.length), true;
      if (event.key === "Enter" || event.key === "Tab") {
        const item = items[active];
        if (item) command(item);
        return true;
      }
      return false;
    },
  }));

  if (items.length === 0) return null;
  return (
    <div role="listbox" aria-label="Mention suggestions" className="max-h-80 w-72 overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 text-sm shadow-lg">
      {items.map((item, i) => (
        <div key={`${item.kind}:${item.insert}`}>
          {(i === 0 || items[i - 1]!.group !== item.group) && (
            <p className="px-3 pb-0.5 pt-1.5 text-[11px] font-semibold uppercase tracking-wide text-slate-400">{item.group}</p>
          )}
          <button
            type="button"
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => command(item)}
            className={`flex w-full items-baseline justify-between gap-3 px-3 py-1.5 text-left ${i === active ? "bg-indigo-50 text-indigo-900" : "text-slate-700"}`}
          >
            <span className="truncate font-medium">{item.label}</span>
            <span className="truncate text-xs text-slate-400">{item.detail}</span>
          </button>
        </div>
      ))}
    </div>
  );
});

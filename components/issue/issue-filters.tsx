"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { FilterMenu, type FilterOption } from "./filter-menu";
import { PRIORITY_LABELS } from "./priority";
import { ISSUE_PRIORITIES } from "@/lib/issues/schemas";

type Current = { priority: string[]; assignee: string[]; label: string[]; q: string };

type Props = {
  /** The current filters as the URL holds them: several values each, which match any of them. */
  current: Current;
  /** The URL query without this bar's filters (the state tab), kept when they change. */
  base: Record<string, string>;
  people: FilterOption[];
  agents: FilterOption[];
  labels: FilterOption[];
};

const PRIORITY_OPTIONS: FilterOption[] = [...ISSUE_PRIORITIES.filter((p) => p !== "none"), "none" as const].map((p) => ({ value: p, label: PRIORITY_LABELS[p] }));

/** Priority, assignee and label filters and the title search; every change is a URL, so a view can be reloaded and shared. */
export function IssueFilters({ current, base, people, agents, labels }: Props) {
  const pathname = usePathname();
  const [q, setQ] = useState(current.q);

  /**
   * A full navigation to the view's URL: client-side replaces that changed only the query were
   * sometimes dropped by the router when they came quickly after another (seen in the e2e runs on
   * `next start`), leaving a list that did not match its filters. Text typed but not sent goes along.
   */
  function go(change: Partial<Current>) {
    const next = { ...current, q: q.trim(), ...change };
    const params = new URLSearchParams(base);
    for (const key of ["priority", "assignee", "label"] as const) if (next[key].length) params.set(key, next[key].join(","));
    if (next.q) params.set("q", next.q);
    const query = params.toString();
    window.location.assign(query ? `${pathname}?${query}` : pathname);
  }

  const active = current.priority.length || current.assignee.length || current.label.length || current.q;
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Filter issues">
      <input
        type="search"
        aria-label="Search titles"
        placeholder="Search titles… (Enter)"
        className="input w-56 py-1 text-sm"
        value={q}
        maxLength={200}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && go({})}
      />
      <FilterMenu name="Priority filter" anyText="Any priority" groups={[{ options: PRIORITY_OPTIONS }]} selected={current.priority} onApply={(priority) => go({ priority })} />
      <FilterMenu
        name="Assignee filter"
        anyText="Anyone"
        groups={[
          {
            options: [
              { value: "me", label: "Assigned to me" },
              { value: "none", label: "Unassigned" },
            ],
          },
          ...(people.length ? [{ label: "People", options: people }] : []),
          ...(agents.length ? [{ label: "Agents", options: agents }] : []),
        ]}
        selected={current.assignee}
        onApply={(assignee) => go({ assignee })}
      />
      <FilterMenu name="Label filter" anyText="Any label" groups={[{ options: labels }]} selected={current.label} onApply={(label) => go({ label })} />
      {active ? (
        <button
          type="button"
          className="btn-ghost px-2 py-1 text-sm"
          onClick={() => {
            setQ("");
            go({ priority: [], assignee: [], label: [], q: "" });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

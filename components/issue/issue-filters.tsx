"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { PRIORITY_LABELS } from "./priority";
import { ISSUE_PRIORITIES } from "@/lib/issues/schemas";

type Option = { value: string; label: string };

type Props = {
  /** The current filters as the URL holds them (one value each in this bar; the URL may hold more). */
  current: { priority: string; assignee: string; label: string; q: string };
  /** The URL query without this bar's filters (the state tab), kept when they change. */
  base: Record<string, string>;
  people: Option[];
  agents: Option[];
  labels: (Option & { color: string })[];
};

/** Priority, assignee and label filters and the title search; every change is a URL, so a view can be reloaded and shared. */
export function IssueFilters({ current, base, people, agents, labels }: Props) {
  const pathname = usePathname();
  const [q, setQ] = useState(current.q);
  const [values, setValues] = useState(current);

  /**
   * A full navigation to the view's URL: client-side replaces that changed only the query were
   * sometimes dropped by the router when they came quickly after another (seen in the e2e runs on
   * `next start`), leaving a list that did not match its filters. Text typed but not sent goes along.
   */
  function go(change: Partial<Props["current"]>) {
    const next = { ...values, q: q.trim(), ...change };
    setValues(next);
    const params = new URLSearchParams(base);
    for (const [k, v] of Object.entries(next)) if (v) params.set(k, v);
    const query = params.toString();
    window.location.assign(query ? `${pathname}?${query}` : pathname);
  }

  const active = values.priority || values.assignee || values.label || values.q;
  const select = "input w-auto py-1 pr-8 text-sm";
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
      <select aria-label="Priority filter" className={select} value={values.priority} onChange={(e) => go({ priority: e.target.value })}>
        <option value="">Any priority</option>
        {ISSUE_PRIORITIES.filter((p) => p !== "none").map((p) => (
          <option key={p} value={p}>
            {PRIORITY_LABELS[p]}
          </option>
        ))}
        <option value="none">{PRIORITY_LABELS.none}</option>
      </select>
      <select aria-label="Assignee filter" className={select} value={values.assignee} onChange={(e) => go({ assignee: e.target.value })}>
        <option value="">Anyone</option>
        <option value="me">Assigned to me</option>
        <option value="none">Unassigned</option>
        {people.length > 0 && (
          <optgroup label="People">
            {people.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
        {agents.length > 0 && (
          <optgroup label="Agents">
            {agents.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <select aria-label="Label filter" className={select} value={values.label} onChange={(e) => go({ label: e.target.value })}>
        <option value="">Any label</option>
        {labels.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {active && (
        <button
          type="button"
          className="btn-ghost px-2 py-1 text-sm"
          onClick={() => {
            setQ("");
            go({ priority: "", assignee: "", label: "", q: "" });
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

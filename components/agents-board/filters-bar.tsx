"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import type { BoardFilterOptions, BoardParam } from "@/lib/sessions/board-view";

export type RawBoardFilters = Record<BoardParam, string>;

type Props = {
  slug: string;
  /** The search params as given (`""` when unset), so the selects show what the URL says. */
  values: RawBoardFilters;
  options: BoardFilterOptions;
  statuses: { value: string; label: string }[];
};

/** The page's URL with these filters: a filtered view is a link. */
export function boardHref(slug: string, values: RawBoardFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const q = params.toString();
  return `/${slug}/agents${q ? `?${q}` : ""}`;
}

/** Status, provider, member and project; each change navigates to the filtered URL. */
export function FiltersBar({ slug, values, options, statuses }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const set = (key: BoardParam, value: string) => startTransition(() => router.push(boardHref(slug, { ...values, [key]: value })));
  const filtered = Object.values(values).some(Boolean);
  // A value typed into the URL (e.g. `status=failed,cancelled`) stays visible as its own choice.
  const withCurrent = (list: { value: string; label: string }[], current: string) =>
    current && !list.some((o) => o.value === current) ? [...list, { value: current, label: current }] : list;

  const selects: { key: BoardParam; label: string; any: string; choices: { value: string; label: string }[] }[] = [
    { key: "status", label: "Status", any: "Any status", choices: statuses },
    { key: "provider", label: "Provider", any: "Any provider", choices: options.providers.map((p) => ({ value: p.slug, label: p.name })) },
    { key: "member", label: "Asked by", any: "Anyone", choices: options.members.map((m) => ({ value: m.id, label: m.name })) },
    { key: "project", label: "Project", any: "Any project", choices: options.projects.map((p) => ({ value: p.identifier, label: `${p.name} (${p.identifier})` })) },
  ];

  return (
    <form role="search" aria-label="Filter sessions" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()} aria-busy={pending}>
      {selects.map((s) => (
        <label key={s.key} className="text-xs font-medium text-slate-500">
          {s.label}
          <select className="input mt-1 w-44 py-1.5" value={values[s.key]} onChange={(e) => set(s.key, e.target.value)}>
            <option value="">{s.any}</option>
            {withCurrent(s.choices, values[s.key]).map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      {filtered && (
        <Link href={`/${slug}/agents`} className="btn-ghost py-1.5">
          Clear filters
        </Link>
      )}
      {pending && <span className="pb-2 text-xs text-slate-400">Loading…</span>}
    </form>
  );
}

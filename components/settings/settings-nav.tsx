import Link from "next/link";

const SECTIONS = [
  { key: "agents", label: "Agents", path: "agents" },
  { key: "git", label: "Git", path: "git" },
  { key: "labels", label: "Labels", path: "labels" },
] as const;

/**
 * The tabs between the workspace's settings pages, directly under the page header. Not
 * prefetched: with each extra route prefetched on load, a server action's result on the same
 * page sometimes never committed in the e2e runs (`next start` on a busy two-core machine);
 * settings pages are rarely visited, so the click pays the fetch instead.
 */
export function SettingsNav({ slug, current }: { slug: string; current: (typeof SECTIONS)[number]["key"] }) {
  return (
    // -mt-px covers the header's bottom border, so title and tabs read as one band.
    <nav aria-label="Settings" className="-mt-px flex gap-6 border-b border-slate-200 bg-white px-8">
      {SECTIONS.map((s) => {
        const active = s.key === current;
        return (
          <Link
            key={s.key}
            href={`/${slug}/settings/${s.path}`}
            prefetch={false}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-1 pb-2.5 pt-1 text-sm font-medium ${active ? "border-indigo-600 text-slate-900" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800"}`}
          >
            {s.label}
          </Link>
        );
      })}
    </nav>
  );
}

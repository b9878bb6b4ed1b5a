import Link from "next/link";
import { getDb } from "@/db/client";
import { ProviderMark } from "@/components/agents/provider-mark";
import { IssueFilters } from "@/components/issue/issue-filters";
import { LabelChip } from "@/components/issue/label-chip";
import { NewIssueButton } from "@/components/issue/new-issue-form";
import { PRIORITY_LABELS, PriorityIcon } from "@/components/issue/priority";
import { STATE_LABELS, StateIcon } from "@/components/issue/state";
import { Avatar } from "@/components/ui/avatar";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { getAgentPicker } from "@/lib/agents/picker";
import { filtersToQuery, formatAssignee, OPEN_STATES, parseListFilters, type ListFilters } from "@/lib/issues/filters";
import { getLabels } from "@/lib/issues/labels";
import { findIssues, getIssueCounts, getProjectOrThrowForPage } from "@/lib/issues/page";
import { ISSUE_STATES, issueKey } from "@/lib/issues/schemas";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

type Tab = ListFilters["states"];

export default async function ProjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; identifier: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug, identifier } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/projects/${identifier}`);
  const db = getDb();
  const project = await getProjectOrThrowForPage(db, ctx, identifier);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) for (const one of [v ?? []].flat()) query.append(k, one);
  // A page never fails on its URL: values that name nothing are left out.
  const filters = parseListFilters(query, { strict: false });
  const [issues, counts, picker, labels] = await Promise.all([
    findIssues(db, ctx, project, filters),
    getIssueCounts(db, ctx, project),
    getAgentPicker(db, ctx, project.id),
    getLabels(db, ctx),
  ]);
  const openCount = OPEN_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const single = (s: Tab) => (s === "open" || s === "all" ? s : s.length === 1 ? s[0]! : null);
  const currentTab = single(filters.states);
  const tabs: { value: "open" | "all" | (typeof ISSUE_STATES)[number]; label: string; count: number }[] = [
    { value: "open", label: "Open", count: openCount },
    ...ISSUE_STATES.map((s) => ({ value: s, label: STATE_LABELS[s], count: counts[s] ?? 0 })),
    { value: "all", label: "All", count: total },
  ];
  const hrefFor = (states: Tab) => `/${slug}/projects/${project.identifier}${filtersToQuery({ ...filters, states })}`;
  const narrowed = filters.priorities.length > 0 || filters.assignees.length > 0 || filters.labels.length > 0 || filters.q !== "";

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {project.name}
            <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs font-normal text-slate-600">{project.identifier}</span>
          </span>
        }
        subtitle={project.repository ? `${project.repository} · ${project.defaultBranch}` : "No repository linked"}
        actions={hasRole(ctx, "member") ? <NewIssueButton slug={slug} identifier={project.identifier} /> : null}
      />
      <main className="px-8 py-6">
        <nav className="mb-3 flex flex-wrap gap-1" aria-label="Filter by state">
          {tabs.map((t) => (
            <Link
              key={t.value}
              href={hrefFor(t.value === "open" || t.value === "all" ? t.value : [t.value])}
              aria-current={currentTab === t.value ? "page" : undefined}
              className={`rounded-md px-2.5 py-1 text-sm ${currentTab === t.value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t.label} <span className="ml-0.5 tabular-nums text-slate-400">{t.count}</span>
            </Link>
          ))}
        </nav>
        <IssueFilters
          current={{ priority: filters.priorities, assignee: filters.assignees.map(formatAssignee), label: filters.labels, q: filters.q }}
          base={filters.states === "open" ? {} : { state: filters.states === "all" ? "all" : filters.states.join(",") }}
          people={picker.members.map((m) => ({ value: `user:${m.id}`, label: m.name }))}
          agents={picker.providers.flatMap((p) => p.variants.map((v) => ({ value: `agent:${p.slug}-${v.slug}`, label: v.name })))}
          labels={labels.map((l) => ({ value: l.name, label: l.name, color: l.color }))}
        />
        {issues.length === 0 ? (
          <EmptyState title={total === 0 ? "No issues yet" : narrowed ? "No issues match these filters" : "No issues in this view"}>
            {total === 0 && hasRole(ctx, "member") ? "Create the first issue with the New issue button." : null}
          </EmptyState>
        ) : (
          <ul className="card divide-y divide-slate-100" aria-label="Issues">
            {issues.map((i) => {
              const key = issueKey(project.identifier, i.number);
              return (
                <li key={i.id}>
                  <Link href={`/${slug}/issue/${key}`} className="flex items-center gap-3 px-4 py-2.5 hover:bg-slate-50">
                    <span title={PRIORITY_LABELS[i.priority]} className="flex">
                      <PriorityIcon priority={i.priority} />
                    </span>
                    <span className="w-16 shrink-0 font-mono text-xs text-slate-500">{key}</span>
                    <StateIcon state={i.state} />
                    <span className="min-w-0 flex-1 truncate text-sm">{i.title}</span>
                    {i.labels.length > 0 && (
                      <span className="hidden max-w-[40%] shrink-0 gap-1 overflow-hidden sm:flex">
                        {i.labels.map((l) => (
                          <LabelChip key={l.id} label={l} />
                        ))}
                      </span>
                    )}
                    {i.waiting.all > 0 && (
                      <span
                        className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${i.waiting.mine > 0 ? "bg-amber-100 text-amber-800" : "bg-slate-100 text-slate-600"}`}
                        title={i.waiting.mine > 0 ? "An agent you started waits for an answer" : "An agent waits for a member's answer"}
                      >
                        {i.waiting.mine > 0 ? "Needs your answer" : "Waiting on an answer"}
                      </span>
                    )}
                    {i.assignee && (
                      <span className="flex shrink-0" title={`Assigned to ${i.assignee.name}`} aria-label={`Assigned to ${i.assignee.name}`}>
                        {i.assignee.kind === "user" ? <Avatar name={i.assignee.name} size="sm" /> : <span className="flex h-6 w-6 items-center justify-center">
                            <ProviderMark provider={i.assignee.providerSlug} size="xs" />
                          </span>}
                      </span>
                    )}
                    <span className="w-20 shrink-0 text-right text-xs text-slate-400">
                      <RelativeTime date={i.updatedAt} />
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </main>
    </>
  );
}

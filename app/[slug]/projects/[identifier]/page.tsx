import Link from "next/link";
import { getDb } from "@/db/client";
import type { IssueState } from "@/db/schema";
import { NewIssueButton } from "@/components/issue/new-issue-form";
import { STATE_LABELS, StateIcon } from "@/components/issue/state";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { getIssueCounts, getIssues, getProjectOrThrowForPage } from "@/lib/issues/page";
import { ISSUE_STATES, issueKey } from "@/lib/issues/schemas";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

type Filter = "open" | "all" | IssueState;
const OPEN: IssueState[] = ["backlog", "todo", "in_progress"];

export default async function ProjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; identifier: string }>;
  searchParams: Promise<{ state?: string }>;
}) {
  const { slug, identifier } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/projects/${identifier}`);
  const db = getDb();
  const project = await getProjectOrThrowForPage(db, ctx, identifier);
  const raw = (await searchParams).state;
  const filter: Filter = raw === "all" || (ISSUE_STATES as readonly string[]).includes(raw ?? "") ? (raw as Filter) : "open";
  const issues = await getIssues(db, ctx, project, filter === "all" ? undefined : filter === "open" ? OPEN : [filter]);
  const counts = await getIssueCounts(db, ctx, project);
  const openCount = OPEN.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const tabs: { value: Filter; label: string; count: number }[] = [
    { value: "open", label: "Open", count: openCount },
    ...ISSUE_STATES.map((s) => ({ value: s as Filter, label: STATE_LABELS[s], count: counts[s] ?? 0 })),
    { value: "all", label: "All", count: total },
  ];

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
        <nav className="mb-4 flex flex-wrap gap-1" aria-label="Filter by state">
          {tabs.map((t) => (
            <Link
              key={t.value}
              href={`/${slug}/projects/${project.identifier}${t.value === "open" ? "" : `?state=${t.value}`}`}
              aria-current={filter === t.value ? "page" : undefined}
              className={`rounded-md px-2.5 py-1 text-sm ${filter === t.value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t.label} <span className="ml-0.5 tabular-nums text-slate-400">{t.count}</span>
            </Link>
          ))}
        </nav>
        {issues.length === 0 ? (
          <EmptyState title={total === 0 ? "No issues yet" : "No issues in this view"}>
            {total === 0 && hasRole(ctx, "member") ? "Create the first issue with the New issue button." : null}
          </EmptyState>
        ) : (
          <ul className="card divide-y divide-slate-100" aria-label="Issues">
            {issues.map((i) => {
              const key = issueKey(project.identifier, i.number);
              return (
                <li key={i.id}>
                  <Link href={`/${slug}/issue/${key}`} className="flex items-center gap-3 px-4 py-2.5 hover:bg-slate-50">
                    <span className="w-16 shrink-0 font-mono text-xs text-slate-500">{key}</span>
                    <StateIcon state={i.state} />
                    <span className="min-w-0 flex-1 truncate text-sm">{i.title}</span>
                    <span className="shrink-0 text-xs text-slate-400">
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

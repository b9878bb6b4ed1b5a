import Link from "next/link";
import { getDb } from "@/db/client";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { CreateProjectForm } from "@/components/workspace/create-project-form";
import { getProjects } from "@/lib/projects/service";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export default async function WorkspacePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}`);
  const projects = await getProjects(getDb(), ctx);
  const canWrite = hasRole(ctx, "member");
  return (
    <>
      <PageHeader title="Projects" subtitle={ctx.workspace.name} />
      <main className="mx-auto max-w-4xl space-y-8 px-8 py-8">
        {projects.length === 0 ? (
          <EmptyState title="No projects yet">{canWrite ? "Create the first project below to start tracking issues." : "An admin or member can create one."}</EmptyState>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {projects.map((p) => (
              <li key={p.id}>
                <Link href={`/${slug}/projects/${p.identifier}`} className="card block p-4 transition hover:border-indigo-300 hover:shadow">
                  <div className="flex items-center justify-between">
                    <span className="font-medium">{p.name}</span>
                    <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{p.identifier}</span>
                  </div>
                  <p className="mt-1 truncate text-sm text-slate-500">{p.repository ?? "No repository linked"}</p>
                  <p className="mt-3 text-xs text-slate-500">
                    {p.openIssues} open · {p.totalIssues} total
                  </p>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {canWrite && (
          <section className="card p-6">
            <h2 className="mb-4 font-semibold">New project</h2>
            <CreateProjectForm slug={slug} />
          </section>
        )}
      </main>
    </>
  );
}

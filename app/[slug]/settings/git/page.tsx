import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { GitConnectionCard } from "@/components/settings/git/connection-card";
import { GitOAuthBanner, readGitOAuthOutcome } from "@/components/settings/git/git-oauth-banner";
import { ReadOnlyGitConnection, ReadOnlyRepositories } from "@/components/settings/git/read-only-git";
import { RepositoriesCard, type ProjectRepository } from "@/components/settings/git/repositories-card";
import { SettingsNav } from "@/components/settings/settings-nav";
import { PageHeader } from "@/components/ui/page-header";
import { checkProjectRepository, type RepositoryCheckJson } from "@/lib/git/access";
import { getGitConnectionView } from "@/lib/git/connection";
import { getProjects } from "@/lib/projects/service";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";
import { logFor } from "@/lib/observability/log";

export const metadata: Metadata = { title: "Git settings" };

function Section({ id, title, description, children }: { id: string; title: string; description: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <div>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <p className="text-sm text-slate-500">{description}</p>
      </div>
      {children}
    </section>
  );
}

export default async function GitSettingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/settings/git`);
  const db = getDb();
  const isAdmin = hasRole(ctx, "admin");
  // Guests may not ask GitHub about a repository (the check is for members and up); they see the names only.
  const canCheck = hasRole(ctx, "member");
  const [connection, projectRows] = await Promise.all([getGitConnectionView(db, ctx), getProjects(db, ctx)]);

  // Each check is a call to GitHub: made side by side, and one that fails is shown on its row, not as a broken page.
  const checkOf = async (identifier: string): Promise<RepositoryCheckJson | null> => {
    try {
      return await checkProjectRepository(db, ctx, identifier);
    } catch (err) {
      logFor("git").warn(`checking the repository of project ${identifier} failed: ${err instanceof Error ? err.name : "error"}`);
      return null;
    }
  };
  const projects: ProjectRepository[] = await Promise.all(
    projectRows.map(async (p) => ({
      identifier: p.identifier,
      name: p.name,
      repository: p.repository,
      default_branch: p.defaultBranch,
      check: p.repository && canCheck ? await checkOf(p.identifier) : null,
    })),
  );

  const header = (
    <>
      <PageHeader title="Git" subtitle={`The GitHub connection and project repositories of ${ctx.workspace.name}`} />
      <SettingsNav slug={slug} current="git" />
    </>
  );
  const repositoriesDescription = "The GitHub repository each project's agents clone, push their branch to and open the pull request on.";

  if (!isAdmin) {
    return (
      <>
        {header}
        <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
          <p className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">Only workspace admins can change Git settings.</p>
          <Section id="connection-heading" title="Connection" description="How agents reach GitHub.">
            {/* Like the agents page: who connected it and when is for admins only. */}
            <ReadOnlyGitConnection connection={{ ...connection, connected_by: null, connected_at: null, expires_at: null }} />
          </Section>
          <Section id="repositories-heading" title="Repositories" description={repositoriesDescription}>
            <ReadOnlyRepositories projects={projects} showChecks={canCheck} connected={connection.status === "connected"} />
          </Section>
        </main>
      </>
    );
  }

  const outcome = readGitOAuthOutcome(await searchParams);
  return (
    <>
      {header}
      <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
        {outcome && <GitOAuthBanner outcome={outcome} login={connection.login} dismissHref={`/${slug}/settings/git`} />}
        <Section id="connection-heading" title="Connection" description="Connect GitHub with OAuth or a GitHub App installation token (never a personal access token). Agents use it on the worker; their containers never see it.">
          <GitConnectionCard slug={slug} connection={connection} />
        </Section>
        <Section id="repositories-heading" title="Repositories" description={repositoriesDescription}>
          <RepositoriesCard slug={slug} projects={projects} connected={connection.status === "connected"} />
        </Section>
      </main>
    </>
  );
}

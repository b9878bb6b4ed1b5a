import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { OutcomeBanner, readOAuthOutcome } from "@/components/settings/connection/outcome-banner";
import { GitHubCard } from "@/components/settings/git/github-card";
import { ReadOnlyGitConnection, ReadOnlyRepositories } from "@/components/settings/git/read-only-git";
import { RepositoriesCard, type ProjectRepository } from "@/components/settings/git/repositories-card";
import { SettingsNav } from "@/components/settings/settings-nav";
import { SettingsSection } from "@/components/settings/settings-section";
import { PageHeader } from "@/components/ui/page-header";
import { checkProjectRepository, type RepositoryCheckJson } from "@/lib/git/access";
import { getConnectionView } from "@/lib/connections/service";
import { getProjects } from "@/lib/projects/service";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";
import { logFor } from "@/lib/observability/log";

export const metadata: Metadata = { title: "Git settings" };

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
  const [connection, projectRows] = await Promise.all([getConnectionView(db, ctx, "github"), getProjects(db, ctx)]);

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
          <SettingsSection id="connection-heading" title="Connection" description="How agents reach GitHub.">
            {/* Like the agents page: who connected it and when is for admins only (getConnectionView leaves it out). */}
            <ReadOnlyGitConnection connection={connection} />
          </SettingsSection>
          <SettingsSection id="repositories-heading" title="Repositories" description={repositoriesDescription}>
            <ReadOnlyRepositories projects={projects} showChecks={canCheck} connected={connection.status === "connected"} />
          </SettingsSection>
        </main>
      </>
    );
  }

  const outcome = readOAuthOutcome(await searchParams, { github: "GitHub" });
  return (
    <>
      {header}
      <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
        {outcome && (
          <OutcomeBanner
            outcome={outcome}
            login={connection.login}
            testId="git-oauth-banner"
            nowWorks={`Agents can now clone this workspace's repositories, push their branches and open pull requests${connection.login ? ` as ${connection.login}` : ""}. Check each project's repository below.`}
            operatorSettings="DISPATCH_GITHUB_CLIENT_ID, DISPATCH_GITHUB_CLIENT_SECRET and DISPATCH_GITHUB_URL"
            dismissHref={`/${slug}/settings/git`}
          />
        )}
        <SettingsSection id="connection-heading" title="Connection" description="Connect GitHub with OAuth or a GitHub App installation token (never a personal access token). Agents use it on the worker; their containers never see it.">
          <GitHubCard slug={slug} connection={connection} />
        </SettingsSection>
        <SettingsSection id="repositories-heading" title="Repositories" description={repositoriesDescription}>
          <RepositoriesCard slug={slug} projects={projects} connected={connection.status === "connected"} />
        </SettingsSection>
      </main>
    </>
  );
}

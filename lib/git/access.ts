import type { Db } from "@/db/client";
import { dataDir } from "@/db/client";
import { keyRing } from "@/lib/crypto/token-box";
import { getProjectOrThrow } from "@/lib/projects/service";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { getFreshGitToken, GitReconnectNeededError } from "./connection";
import { checkRepositoryAccess } from "./github";
import { githubConfig } from "./github-config";
import { githubFullName } from "./repository-name";

export type RepositoryCheckJson = {
  repository: string | null;
  default_branch: string;
  ok: boolean;
  can_push: boolean;
  html_url: string | null;
  message: string;
};

/** Settings → Git: can the workspace's GitHub connection see the project's repository and push to it? */
export async function checkProjectRepository(db: Db, ctx: WorkspaceContext, identifier: string): Promise<RepositoryCheckJson> {
  requireRole(ctx, "guest"); // guests read everything, this included; it reveals no token
  const project = await getProjectOrThrow(db, ctx, identifier);
  const base = { repository: project.repository, default_branch: project.defaultBranch, ok: false, can_push: false, html_url: null };
  const fullName = githubFullName(project.repository, githubConfig().webUrl);
  if (!project.repository) return { ...base, message: "No repository is set: agents work in an empty folder and their changes are not kept." };
  if (!fullName) return { ...base, message: `${project.repository} is not a GitHub repository (owner/name); agents cannot push to it.` };
  let creds: { token: string } | null;
  try {
    creds = await getFreshGitToken(db, keyRing(dataDir()), ctx.workspace.id);
  } catch (err) {
    if (err instanceof GitReconnectNeededError) return { ...base, message: err.message };
    throw err;
  }
  if (!creds) return { ...base, message: "GitHub is not connected: connect it above so agents can clone and push." };
  const access = await checkRepositoryAccess(creds.token, fullName);
  if (!access.ok) return { ...base, message: access.message };
  const branchNote = access.defaultBranch === project.defaultBranch ? "" : ` Note: GitHub's default branch is ${access.defaultBranch}, this project uses ${project.defaultBranch}.`;
  return {
    ...base,
    ok: access.canPush,
    can_push: access.canPush,
    html_url: access.htmlUrl,
    message: access.canPush ? `Connected: agents can clone ${access.fullName} and push branches to it.${branchNote}` : `The connection can read ${access.fullName} but not push to it: grant it write access.`,
  };
}

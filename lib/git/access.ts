import { dataDir, type Db } from "@/db/client";
import { getConnection } from "@/db/queries/connections";
import { keyRing } from "@/lib/crypto/token-box";
import { getProjectOrThrow } from "@/lib/projects/service";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import { GITHUB_RECONNECT } from "@/lib/connections/kinds";
import { DispatchError } from "@/lib/errors";
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
    creds = await getFreshToken(db, keyRing(dataDir()), { workspaceId: ctx.workspace.id, kind: "github" });
  } catch (err) {
    if (err instanceof ReconnectNeededError) return { ...base, message: err.message };
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

/**
 * Before anything is written for an invocation: a project that names a GitHub repository
 * needs the workspace's GitHub connection (the run clones it), or the mention is refused
 * naming why, as for a provider that is not connected.
 */
export async function assertRepositoryReachable(db: Db, workspaceId: string, project: { repository: string | null }): Promise<void> {
  const fullName = githubFullName(project.repository, githubConfig().webUrl);
  if (!fullName) return;
  const row = await getConnection(db, { workspaceId, kind: "github" });
  if (!row) throw new DispatchError("bad_request:git_not_connected", `This project's repository ${fullName} needs GitHub: ask a workspace admin to connect GitHub in Settings → Git.`, { field: "agents" });
  if (row.connectionStatus === "needs_reconnect") throw new DispatchError("bad_request:git_not_connected", GITHUB_RECONNECT, { field: "agents" });
}

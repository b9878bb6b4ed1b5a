import { Octokit } from "@octokit/rest";
import { githubConfig } from "./github-config";

/** The REST client, pointed at the configured API (github.com, Enterprise, or a test stand-in). */
export function githubClient(token: string): Octokit {
  return new Octokit({
    auth: token,
    baseUrl: githubConfig().apiUrl,
    userAgent: "Dispatch",
    request: { timeout: 20_000, retries: 0 },
    // Octokit's default logger prints request details; the token is never in them, but stay quiet.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

/** GitHub's own words for a failed call: status, message and the first validation error. */
export function githubMessage(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { data?: { message?: string; errors?: { message?: string; code?: string; field?: string }[] } } };
  const data = e.response?.data;
  const first = data?.errors?.[0];
  const detail = first?.message ?? (first?.field ? `${first.field} ${first.code ?? "invalid"}` : null);
  const msg = data?.message ?? e.message ?? String(err);
  return `${e.status ? `HTTP ${e.status}: ` : ""}${msg}${detail ? ` (${detail})` : ""}`;
}

export type RepositoryAccess =
  | { ok: true; fullName: string; defaultBranch: string; canPush: boolean; htmlUrl: string }
  | { ok: false; message: string };

/** Can this token see the repository, and push to it? */
export async function checkRepositoryAccess(token: string, fullName: string): Promise<RepositoryAccess> {
  const [owner, repo] = fullName.split("/") as [string, string];
  try {
    const { data } = await githubClient(token).rest.repos.get({ owner, repo });
    return { ok: true, fullName: data.full_name, defaultBranch: data.default_branch, canPush: !!data.permissions?.push, htmlUrl: data.html_url };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404) return { ok: false, message: `${fullName} was not found, or the GitHub connection cannot see it.` };
    if (status === 401) return { ok: false, message: "GitHub refused the connection's token (bad credentials). Reconnect GitHub." };
    return { ok: false, message: `GitHub could not be asked about ${fullName}: ${githubMessage(err)}` };
  }
}

/** The account a token acts as; null when GitHub does not say (an installation token has no user). */
export async function tokenLogin(token: string): Promise<string | null> {
  try {
    const { data } = await githubClient(token).rest.users.getAuthenticated();
    return data.login;
  } catch {
    return null;
  }
}

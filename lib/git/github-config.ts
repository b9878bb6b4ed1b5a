import type { OAuthClientConfig } from "@/lib/connections/oauth-config";

/**
 * Where GitHub lives, from the environment: DISPATCH_GITHUB_URL (web and git, default
 * https://github.com), DISPATCH_GITHUB_API_URL (REST, default https://api.github.com; GitHub
 * Enterprise: https://HOST/api/v3), and the OAuth app's DISPATCH_GITHUB_CLIENT_ID and
 * DISPATCH_GITHUB_CLIENT_SECRET (both needed for "Connect GitHub").
 */
export type GitHubConfig = { webUrl: string; apiUrl: string; oauth: OAuthClientConfig | null };

const trimSlash = (s: string) => s.replace(/\/+$/, "");

export function githubConfig(env: Record<string, string | undefined> = process.env): GitHubConfig {
  const webUrl = trimSlash(env.DISPATCH_GITHUB_URL?.trim() || "https://github.com");
  const apiUrl = trimSlash(env.DISPATCH_GITHUB_API_URL?.trim() || "https://api.github.com");
  const clientId = env.DISPATCH_GITHUB_CLIENT_ID?.trim();
  const clientSecret = env.DISPATCH_GITHUB_CLIENT_SECRET?.trim();
  return {
    webUrl,
    apiUrl,
    oauth:
      clientId && clientSecret
        ? {
            clientId,
            clientSecret,
            authorizeUrl: `${webUrl}/login/oauth/authorize`,
            tokenUrl: `${webUrl}/login/oauth/access_token`,
            scopes: "repo",
            revokeUrl: null,
            authorizeParams: { allow_signup: "false" },
          }
        : null,
  };
}

export const cloneUrl = (cfg: GitHubConfig, fullName: string) => `${cfg.webUrl}/${fullName}.git`;
export const branchUrl = (cfg: GitHubConfig, fullName: string, branch: string) => `${cfg.webUrl}/${fullName}/tree/${branch.split("/").map(encodeURIComponent).join("/")}`;

import { randomBytes } from "node:crypto";
import { z } from "zod";
import { dataDir, type Db } from "@/db/client";
import { deleteGitConnection, getGitConnection, markGitNeedsReconnect, storeGitConnection, updateGitTokens, type GitConnectionRow } from "@/db/queries/git-connections";
import { consumeOAuthState, insertOAuthState } from "@/db/queries/oauth-states";
import { REFRESH_MARGIN_MS } from "@/lib/agents/credentials";
import { challengeFor, hashState, newVerifier, STATE_TTL_MS, tokenRequest, type CallbackParams, type OAuthError } from "@/lib/agents/oauth";
import { keyRing, open, seal, type KeyRing } from "@/lib/crypto/token-box";
import { DispatchError } from "@/lib/errors";
import { describeError } from "@/lib/log/describe-error";
import { parseInput } from "@/lib/validation";
import { hasRole, loadWorkspaceContext, requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { githubConfig, type GitHubConfig } from "./github-config";
import { tokenLogin } from "./github";
import { githubFullName } from "./repository-name";

/**
 * The workspace's GitHub connection: by OAuth (a GitHub OAuth app, PKCE) or with a pasted
 * GitHub App installation token. Personal access tokens are refused, like API keys for models:
 * they belong to a person, not to the workspace, and never expire.
 */

/** GitHub's token prefixes: gho_ OAuth app, ghu_ GitHub App user, ghs_ installation, ghp_/github_pat_ personal. */
const PASTED: { pattern: RegExp; kind: "oauth" | "installation"; lifetimeMs: number | null }[] = [
  { pattern: /^ghs_[A-Za-z0-9]{20,255}$/, kind: "installation", lifetimeMs: 60 * 60 * 1000 },
  { pattern: /^gho_[A-Za-z0-9]{20,255}$/, kind: "oauth", lifetimeMs: null },
  { pattern: /^ghu_[A-Za-z0-9]{20,255}$/, kind: "oauth", lifetimeMs: 8 * 60 * 60 * 1000 },
];

const refuse = (message: string, field = "token") => new DispatchError("bad_request:git_connection", message, { field });

export function checkPastedGitToken(raw: string): { token: string; kind: "oauth" | "installation"; lifetimeMs: number | null } {
  const token = raw.replace(/\s+/g, "");
  if (!token) throw refuse("No token was pasted: paste a GitHub App installation token (ghs_…), or use Connect GitHub.");
  const rule = PASTED.find((r) => r.pattern.test(token));
  if (rule) return { token, kind: rule.kind, lifetimeMs: rule.lifetimeMs };
  if (/^(ghp_|github_pat_)/.test(token)) {
    throw refuse("This is a personal access token. Dispatch connects GitHub by OAuth or with a GitHub App installation token (ghs_…), so pushes are not tied to one person's account.");
  }
  throw refuse("This is not a GitHub token (expected an installation token ghs_… or an OAuth token gho_…/ghu_…).");
}

export const gitTokenSchema = z.object({
  token: z.string({ required_error: "Paste the token.", invalid_type_error: "The token must be text." }).max(8192, "That is far longer than any token."),
  expires_at: z.string().datetime({ offset: true, message: "expires_at must be an ISO date and time." }).nullish(),
});

export type GitConnectionJson = {
  status: "connected" | "needs_reconnect" | "disconnected";
  kind: "oauth" | "installation" | null;
  login: string | null;
  connected_by: string | null;
  connected_at: string | null;
  expires_at: string | null;
  oauth_configured: boolean;
};

export function gitConnectionJson(row: GitConnectionRow | undefined, cfg: GitHubConfig = githubConfig()): GitConnectionJson {
  return {
    status: row ? row.connectionStatus : "disconnected",
    kind: (row?.kind as GitConnectionJson["kind"]) ?? null,
    login: row?.login ?? null,
    connected_by: row?.connectedByName ?? null,
    connected_at: row?.connectedAt.toISOString() ?? null,
    expires_at: row?.tokenExpiresAt?.toISOString() ?? null,
    oauth_configured: !!cfg.oauth,
  };
}

export async function getGitConnectionView(db: Db, ctx: WorkspaceContext): Promise<GitConnectionJson> {
  return gitConnectionJson(await getGitConnection(db, ctx.workspace.id));
}

export async function connectGitWithToken(db: Db, ctx: WorkspaceContext, input: unknown): Promise<GitConnectionJson> {
  requireRole(ctx, "admin");
  const parsed = parseInput(gitTokenSchema, input, "git_connection");
  const { token, kind, lifetimeMs } = checkPastedGitToken(parsed.token);
  const now = Date.now();
  const expiresAt = parsed.expires_at ? new Date(parsed.expires_at) : lifetimeMs ? new Date(now + lifetimeMs) : null;
  if (expiresAt && expiresAt.getTime() <= now) throw refuse("This token has already expired.", "expires_at");
  const sealed = seal(keyRing(dataDir()), token);
  const login = kind === "oauth" ? await tokenLogin(token) : null;
  try {
    await storeGitConnection(db, { workspaceId: ctx.workspace.id, connectedBy: ctx.userId, kind, login, keyId: sealed.keyId, accessTokenCiphertext: sealed.ciphertext, refreshTokenCiphertext: null, expiresAt });
  } catch (err) {
    console.error(`[git] storing the GitHub connection failed: ${describeError(err)}`);
    throw new DispatchError("internal:git_connection", "Could not save the GitHub connection. Please try again.");
  }
  return getGitConnectionView(db, ctx);
}

export async function disconnectGit(db: Db, ctx: WorkspaceContext): Promise<GitConnectionJson> {
  requireRole(ctx, "admin");
  await deleteGitConnection(db, ctx.workspace.id);
  return getGitConnectionView(db, ctx);
}

export const gitRedirectUri = (base: string, slug: string) => `${base}/api/workspaces/${encodeURIComponent(slug)}/git/callback`;

/** Admins: GitHub's authorization URL, with a one-time state (and PKCE verifier) recorded here. */
export async function startGitHubAuthorization(db: Db, ctx: WorkspaceContext, base: string): Promise<string> {
  requireRole(ctx, "admin");
  const oauth = githubConfig().oauth;
  if (!oauth) throw new DispatchError("bad_request:oauth_not_configured", "GitHub OAuth is not configured: set DISPATCH_GITHUB_CLIENT_ID and DISPATCH_GITHUB_CLIENT_SECRET in the server's environment.");
  const state = randomBytes(32).toString("base64url");
  const verifier = newVerifier();
  const sealed = seal(keyRing(dataDir()), verifier);
  await insertOAuthState(db, {
    stateHash: hashState(state),
    workspaceId: ctx.workspace.id,
    providerId: null,
    userId: ctx.userId,
    verifierCiphertext: sealed.ciphertext,
    verifierKeyId: sealed.keyId,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  const url = new URL(oauth.authorizeUrl);
  url.searchParams.set("client_id", oauth.clientId);
  url.searchParams.set("redirect_uri", gitRedirectUri(base, ctx.workspace.slug));
  url.searchParams.set("scope", oauth.scopes);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challengeFor(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("allow_signup", "false");
  return url.toString();
}

/** GitHub sent the browser back: one-time state, bound to this admin and workspace; then the code exchange. */
export async function completeGitHubAuthorization(
  db: Db,
  args: { userId: string | null; workspaceSlug: string; base: string; params: CallbackParams },
): Promise<OAuthError | null> {
  const { params } = args;
  if (!params.state) return "bad_state";
  const pending = await consumeOAuthState(db, hashState(params.state));
  if (!pending || pending.providerId !== null || !args.userId || pending.userId !== args.userId) return "bad_state";
  const ctx = await loadWorkspaceContext(db, args.workspaceSlug, args.userId).catch(() => null);
  if (!ctx || ctx.workspace.id !== pending.workspaceId || !hasRole(ctx, "admin")) return "bad_state";
  if (pending.expiresAt.getTime() <= Date.now()) return "expired_state";
  if (params.error) return params.error === "access_denied" ? "denied" : "exchange_failed";
  const oauth = githubConfig().oauth;
  if (!params.code || !oauth) return "exchange_failed";
  const ring = keyRing(dataDir());
  try {
    const verifier = open(ring, { keyId: pending.verifierKeyId, ciphertext: pending.verifierCiphertext });
    const tokens = await tokenRequest(
      { ...oauth, revokeUrl: null },
      { grant_type: "authorization_code", code: params.code, redirect_uri: gitRedirectUri(args.base, ctx.workspace.slug), code_verifier: verifier },
    );
    const access = seal(ring, tokens.accessToken);
    await storeGitConnection(db, {
      workspaceId: ctx.workspace.id,
      connectedBy: args.userId,
      kind: "oauth",
      login: await tokenLogin(tokens.accessToken),
      keyId: access.keyId,
      accessTokenCiphertext: access.ciphertext,
      refreshTokenCiphertext: tokens.refreshToken ? seal(ring, tokens.refreshToken).ciphertext : null,
      expiresAt: tokens.expiresAt,
    });
    return null;
  } catch (err) {
    console.warn(`[git] connecting GitHub failed: ${describeError(err)}`);
    return "exchange_failed";
  }
}

export function gitSettingsRedirect(base: string, slug: string, error: OAuthError | null): string {
  const url = new URL(`${base}/${encodeURIComponent(slug)}/settings/git`);
  if (error) url.searchParams.set("oauth_error", error);
  else url.searchParams.set("connected", "github");
  return url.toString();
}

/** The connection cannot give a working token; only an admin reconnecting fixes it. */
export class GitReconnectNeededError extends Error {
  constructor() {
    super("The GitHub connection has expired and could not be renewed. Ask a workspace admin to reconnect GitHub in Settings → Git.");
    this.name = "GitReconnectNeededError";
  }
}

const expiring = (at: Date | null) => !!at && at.getTime() - Date.now() <= REFRESH_MARGIN_MS;

/**
 * The workspace's GitHub token for one run, refreshed under the row's lock when it expires
 * within five minutes (GitHub App user tokens carry a refresh token; installation tokens and
 * OAuth app tokens do not). null: GitHub is not connected.
 */
export async function getFreshGitToken(db: Db, ring: KeyRing, workspaceId: string): Promise<{ token: string; login: string | null } | null> {
  const row = await getGitConnection(db, workspaceId);
  if (!row) return null;
  if (row.connectionStatus === "needs_reconnect") throw new GitReconnectNeededError();
  const read = (r: GitConnectionRow) => ({ token: open(ring, { keyId: r.tokenKeyId, ciphertext: r.accessTokenCiphertext }), login: r.login });
  if (!expiring(row.tokenExpiresAt)) return read(row);

  const outcome = await db.transaction(async (tx) => {
    const locked = await getGitConnection(tx, workspaceId, { lock: true });
    if (!locked) return null;
    if (locked.connectionStatus === "needs_reconnect") return "reconnect" as const;
    if (!expiring(locked.tokenExpiresAt)) return read(locked);
    const oauth = githubConfig().oauth;
    if (!locked.refreshTokenCiphertext || !oauth) {
      if (locked.tokenExpiresAt!.getTime() > Date.now()) return read(locked);
      await markGitNeedsReconnect(tx, locked.id);
      return "reconnect" as const;
    }
    const refreshToken = open(ring, { keyId: locked.tokenKeyId, ciphertext: locked.refreshTokenCiphertext });
    try {
      const fresh = await tokenRequest({ ...oauth, revokeUrl: null }, { grant_type: "refresh_token", refresh_token: refreshToken });
      const access = seal(ring, fresh.accessToken);
      await updateGitTokens(tx, locked.id, { keyId: access.keyId, accessTokenCiphertext: access.ciphertext, refreshTokenCiphertext: seal(ring, fresh.refreshToken ?? refreshToken).ciphertext, expiresAt: fresh.expiresAt });
      return { token: fresh.accessToken, login: locked.login };
    } catch (err) {
      console.warn(`[git] refreshing the GitHub token of workspace ${workspaceId} failed (${describeError(err)}); marked needs_reconnect`);
      await markGitNeedsReconnect(tx, locked.id);
      return "reconnect" as const;
    }
  });
  if (outcome === "reconnect") throw new GitReconnectNeededError();
  return outcome;
}

/**
 * Before anything is written for an invocation: a project that names a GitHub repository
 * needs the workspace's GitHub connection (the run clones it), or the mention is refused
 * naming why, as for a provider that is not connected.
 */
export async function assertRepositoryReachable(db: Db, workspaceId: string, project: { repository: string | null }): Promise<void> {
  const fullName = githubFullName(project.repository, githubConfig().webUrl);
  if (!fullName) return;
  const row = await getGitConnection(db, workspaceId);
  if (!row) throw new DispatchError("bad_request:git_not_connected", `This project's repository ${fullName} needs GitHub: ask a workspace admin to connect GitHub in Settings → Git.`, { field: "agents" });
  if (row.connectionStatus === "needs_reconnect") throw new DispatchError("bad_request:git_not_connected", new GitReconnectNeededError().message, { field: "agents" });
}

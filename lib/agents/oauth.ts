import { admitWaiting } from "@/lib/sessions/admission";
import { createHash, randomBytes } from "node:crypto";
import { dataDir, type Db } from "@/db/client";
import { loadCatalog, storeConnection, type CatalogProvider } from "@/db/queries/agents";
import { consumeOAuthState, insertOAuthState } from "@/db/queries/oauth-states";
import { keyRing, open, seal } from "@/lib/crypto/token-box";
import { DispatchError, notFound } from "@/lib/errors";
import { describeError } from "@/lib/log/describe-error";
import { hasRole, loadWorkspaceContext, requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { oauthConfigFor, oauthSetup, oauthSetupHint, type OAuthProviderConfig } from "./oauth-config";

/**
 * Connecting a provider with the OAuth 2.0 authorization code flow and PKCE (RFC 7636, S256).
 * The state is one-time, bound to the admin, the workspace and the provider, and expires after
 * ten minutes; the database holds only its hash and the sealed verifier. Tokens, codes and
 * verifiers never appear in a log line, a redirect or a response.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;

const base64url = (buf: Buffer) => buf.toString("base64url");
/** 64 characters from the unreserved set: inside RFC 7636's 43–128. */
export const newVerifier = () => base64url(randomBytes(48));
export const challengeFor = (verifier: string) => base64url(createHash("sha256").update(verifier).digest());
export const hashState = (state: string) => base64url(createHash("sha256").update(state).digest());

export type OAuthError = "denied" | "bad_state" | "expired_state" | "exchange_failed";

/** Where the app is reached from the browser: NEXTAUTH_URL, else the request's own origin. */
export function appBaseUrl(req: Request): string {
  return (process.env.NEXTAUTH_URL?.trim() || new URL(req.url).origin).replace(/\/+$/, "");
}

export const redirectUriFor = (base: string, workspaceSlug: string, providerSlug: string) =>
  `${base}/api/workspaces/${encodeURIComponent(workspaceSlug)}/agent/config/callback/${encodeURIComponent(providerSlug)}`;

async function enabledProvider(db: Db, workspaceId: string, slug: string): Promise<CatalogProvider | undefined> {
  return (await loadCatalog(db, workspaceId)).find((p) => p.slug === slug && p.enabled);
}

/** Admins: a fresh authorization URL at the provider's server, with a pending state recorded here. */
export async function startAuthorization(db: Db, ctx: WorkspaceContext, providerSlug: string, base: string): Promise<string> {
  requireRole(ctx, "admin");
  const provider = await enabledProvider(db, ctx.workspace.id, providerSlug);
  if (!provider) throw notFound("provider", "This provider");
  const setup = oauthSetup(provider.slug);
  if (!setup.ok) throw new DispatchError("bad_request:oauth_not_configured", oauthSetupHint(setup)!);
  const { config } = setup;
  const state = base64url(randomBytes(32));
  const verifier = newVerifier();
  const sealed = seal(keyRing(dataDir()), verifier);
  await insertOAuthState(db, {
    stateHash: hashState(state),
    workspaceId: ctx.workspace.id,
    providerId: provider.id,
    userId: ctx.userId,
    verifierCiphertext: sealed.ciphertext,
    verifierKeyId: sealed.keyId,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  const url = new URL(config.authorizeUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUriFor(base, ctx.workspace.slug, provider.slug));
  url.searchParams.set("scope", config.scopes);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challengeFor(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

export type TokenResponse = { accessToken: string; refreshToken: string | null; expiresAt: Date | null };

/** The token endpoint's refusal: only the HTTP status and the RFC 6749 error code, never the body. */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly oauthError: string | null,
  ) {
    super(`the token endpoint refused (HTTP ${status}${oauthError ? `, ${oauthError}` : ""})`);
    this.name = "TokenEndpointError";
  }
}

/** A form POST to the token endpoint (client_secret_post when the client has a secret). */
export async function tokenRequest(config: OAuthProviderConfig, params: Record<string, string>): Promise<TokenResponse> {
  const body = new URLSearchParams({ ...params, client_id: config.clientId });
  if (config.clientSecret) body.set("client_secret", config.clientSecret);
  let res: Response;
  try {
    res = await fetch(config.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new TokenEndpointError(0, err instanceof Error ? err.name : null);
  }
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || !json || typeof json.access_token !== "string" || !json.access_token) {
    const code = typeof json?.error === "string" && /^[\w.-]{1,64}$/.test(json.error) ? json.error : null;
    throw new TokenEndpointError(res.status, code);
  }
  const expiresIn = Number(json.expires_in);
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === "string" && json.refresh_token ? json.refresh_token : null,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null,
  };
}

/** Best effort (RFC 7009): a revocation that fails is logged by status only and otherwise ignored. */
export async function revokeToken(config: OAuthProviderConfig, token: string): Promise<void> {
  if (!config.revokeUrl) return;
  const body = new URLSearchParams({ token, client_id: config.clientId });
  if (config.clientSecret) body.set("client_secret", config.clientSecret);
  try {
    const res = await fetch(config.revokeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) console.warn(`[oauth] revoking a token failed (HTTP ${res.status}); deleting it here anyway`);
  } catch (err) {
    console.warn(`[oauth] revoking a token failed (${describeError(err)}); deleting it here anyway`);
  }
}

export type CallbackParams = { code: string | null; state: string | null; error: string | null };

/**
 * The provider sent the browser back. Consumes the state (once), checks it was issued to this
 * admin for this workspace and provider and is still young, exchanges the code and stores the
 * tokens. Returns the error to show, or null when the provider is now connected.
 */
export async function completeAuthorization(
  db: Db,
  args: { userId: string | null; workspaceSlug: string; providerSlug: string; base: string; params: CallbackParams },
): Promise<OAuthError | null> {
  const { params } = args;
  if (!params.state) return "bad_state";
  const pending = await consumeOAuthState(db, hashState(params.state));
  if (!pending || !args.userId || pending.userId !== args.userId) return "bad_state";
  const ctx = await loadWorkspaceContext(db, args.workspaceSlug, args.userId).catch(() => null);
  if (!ctx || ctx.workspace.id !== pending.workspaceId || !hasRole(ctx, "admin")) return "bad_state";
  const provider = await enabledProvider(db, ctx.workspace.id, args.providerSlug);
  if (!provider || provider.id !== pending.providerId) return "bad_state";
  if (pending.expiresAt.getTime() <= Date.now()) return "expired_state";
  if (params.error) return params.error === "access_denied" ? "denied" : "exchange_failed";
  if (!params.code) return "exchange_failed";
  const config = oauthConfigFor(provider.slug);
  if (!config) return "exchange_failed";

  const ring = keyRing(dataDir());
  let tokens: TokenResponse;
  try {
    const verifier = open(ring, { keyId: pending.verifierKeyId, ciphertext: pending.verifierCiphertext });
    tokens = await tokenRequest(config, {
      grant_type: "authorization_code",
      code: params.code,
      redirect_uri: redirectUriFor(args.base, ctx.workspace.slug, provider.slug),
      code_verifier: verifier,
    });
  } catch (err) {
    console.warn(`[oauth] ${provider.slug}: exchanging the authorization code failed: ${describeError(err)}`);
    return "exchange_failed";
  }
  const access = seal(ring, tokens.accessToken);
  try {
    await storeConnection(db, {
      workspaceId: ctx.workspace.id,
      providerId: provider.id,
      connectedBy: args.userId,
      keyId: access.keyId,
      accessTokenCiphertext: access.ciphertext,
      refreshTokenCiphertext: tokens.refreshToken ? seal(ring, tokens.refreshToken).ciphertext : null,
      expiresAt: tokens.expiresAt,
    });
  } catch (err) {
    console.error(`[oauth] ${provider.slug}: storing the connection failed: ${describeError(err)}`);
    return "exchange_failed";
  }
  // Mentions that waited for this connection start now.
  await admitWaiting(db, { workspaceId: ctx.workspace.id, providerId: provider.id }).catch((err: unknown) => console.error(`[oauth] admitting waiting sessions failed: ${describeError(err)}`));
  return null;
}

/** Where the callback sends the browser: the settings page with the outcome in the query. */
export function settingsRedirect(base: string, workspaceSlug: string, providerSlug: string, error: OAuthError | null): string {
  const url = new URL(`${base}/${encodeURIComponent(workspaceSlug)}/settings/agents`);
  if (error) {
    url.searchParams.set("oauth_error", error);
    url.searchParams.set("provider", providerSlug);
  } else {
    url.searchParams.set("connected", providerSlug);
  }
  return url.toString();
}

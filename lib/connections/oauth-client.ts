import { createHash, randomBytes } from "node:crypto";
import { describeError } from "@/lib/log/describe-error";
import type { OAuthClientConfig } from "./oauth-config";

/**
 * The OAuth 2.0 client every connection kind uses: the authorization code flow with PKCE
 * (RFC 7636, S256), the token endpoint (code exchange and refresh) and revocation (RFC 7009).
 * Tokens, codes and verifiers never appear in a log line, a redirect or a response.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;

const base64url = (buf: Buffer) => buf.toString("base64url");
export const newState = () => base64url(randomBytes(32));
/** 64 characters from the unreserved set: inside RFC 7636's 43–128. */
export const newVerifier = () => base64url(randomBytes(48));
export const challengeFor = (verifier: string) => base64url(createHash("sha256").update(verifier).digest());
export const hashState = (state: string) => base64url(createHash("sha256").update(state).digest());

export type OAuthError = "denied" | "bad_state" | "expired_state" | "exchange_failed";
export type CallbackParams = { code: string | null; state: string | null; error: string | null };

/** Where the app is reached from the browser: NEXTAUTH_URL, else the request's own origin. */
export function appBaseUrl(req: Request): string {
  return (process.env.NEXTAUTH_URL?.trim() || new URL(req.url).origin).replace(/\/+$/, "");
}

/** The authorization server's page the browser goes to, asking for a code bound to this verifier. */
export function authorizationUrl(config: OAuthClientConfig, args: { redirectUri: string; state: string; verifier: string }): string {
  const url = new URL(config.authorizeUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", args.redirectUri);
  url.searchParams.set("scope", config.scopes);
  url.searchParams.set("state", args.state);
  url.searchParams.set("code_challenge", challengeFor(args.verifier));
  url.searchParams.set("code_challenge_method", "S256");
  for (const [name, value] of Object.entries(config.authorizeParams ?? {})) url.searchParams.set(name, value);
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

const clientForm = (config: OAuthClientConfig, params: Record<string, string>) => {
  const body = new URLSearchParams({ ...params, client_id: config.clientId });
  if (config.clientSecret) body.set("client_secret", config.clientSecret);
  return body;
};

/** A form POST to the token endpoint (client_secret_post when the client has a secret). */
export async function tokenRequest(config: OAuthClientConfig, params: Record<string, string>): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetch(config.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: clientForm(config, params),
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
export async function revokeToken(config: OAuthClientConfig, token: string): Promise<void> {
  if (!config.revokeUrl) return;
  try {
    const res = await fetch(config.revokeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: clientForm(config, { token }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) console.warn(`[oauth] revoking a token failed (HTTP ${res.status}); deleting it here anyway`);
  } catch (err) {
    console.warn(`[oauth] revoking a token failed (${describeError(err)}); deleting it here anyway`);
  }
}

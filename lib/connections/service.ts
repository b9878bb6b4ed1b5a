import { dataDir, type Db } from "@/db/client";
import { deleteConnection, getConnection, storeConnection } from "@/db/queries/connections";
import { consumeOAuthState, insertOAuthState } from "@/db/queries/oauth-states";
import { keyRing, open, seal } from "@/lib/crypto/token-box";
import { DispatchError, notFound } from "@/lib/errors";
import { describeError } from "@/lib/log/describe-error";
import { parseInput } from "@/lib/validation";
import { hasRole, loadWorkspaceContext, requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import type { ProviderConfigJson } from "@/lib/agents/providers";
import { connectionJson, type ConnectionJson } from "./json";
import { resolveKind, settingsPageOf, type ConnectionKind } from "./kinds";
import { authorizationUrl, hashState, newState, newVerifier, revokeToken, STATE_TTL_MS, tokenRequest, type CallbackParams, type OAuthError, type TokenResponse } from "./oauth-client";
import { checkPastedToken, connectTokenSchema, pasteHint, type PasteHint, type TokenType } from "./pasted-tokens";

export type { ConnectionJson } from "./json";

/**
 * Connecting a workspace to a service of any kind: by OAuth (a one-time state bound to the admin,
 * the workspace and the kind, expiring after ten minutes; the database holds only its hash and
 * the sealed verifier) or with a pasted token. Tokens are sealed with the key ring the worker
 * opens them with, and never appear in a log line, a redirect or a response.
 */

async function kindOrThrow(db: Db, kind: string): Promise<ConnectionKind> {
  const described = await resolveKind(db, kind);
  if (!described?.available) throw notFound("provider", "This provider");
  return described;
}

/** Any member: the workspace's connection of this kind. Who connected it and when it expires are for admins only. */
export async function getConnectionView(db: Db, ctx: WorkspaceContext, kind: string): Promise<ConnectionJson> {
  const json = connectionJson(await getConnection(db, { workspaceId: ctx.workspace.id, kind }), !!(await kindOrThrow(db, kind)).oauth);
  return hasRole(ctx, "admin") ? json : { ...json, connected_by: null, connected_at: null, expires_at: null };
}

/** What a change answers: the connection, and whatever else the kind shows beside it. */
export async function changedView(db: Db, ctx: WorkspaceContext, kind: string): Promise<{ connection: ConnectionJson; provider?: ProviderConfigJson }> {
  const described = await kindOrThrow(db, kind);
  const connection = connectionJson(await getConnection(db, { workspaceId: ctx.workspace.id, kind }), !!described.oauth);
  return { connection, ...(await described.view?.(db, ctx)) };
}

/** Seals and stores the tokens; false (with the database's words logged, never a token) when storing failed. */
async function store(db: Db, kind: ConnectionKind, who: { workspaceId: string; userId: string; tokenType: TokenType; login: string | null }, tokens: TokenResponse): Promise<boolean> {
  const ring = keyRing(dataDir());
  const access = seal(ring, tokens.accessToken);
  try {
    await storeConnection(db, {
      workspaceId: who.workspaceId,
      kind: kind.kind,
      connectedBy: who.userId,
      tokenType: who.tokenType,
      login: who.login,
      keyId: access.keyId,
      accessTokenCiphertext: access.ciphertext,
      refreshTokenCiphertext: tokens.refreshToken ? seal(ring, tokens.refreshToken).ciphertext : null,
      expiresAt: tokens.expiresAt,
    });
  } catch (err) {
    console.error(`[connections] ${kind.kind}: storing the connection failed: ${describeError(err)}`);
    return false;
  }
  await kind.onConnected?.(db, who.workspaceId).catch((err: unknown) => console.error(`[connections] ${kind.kind}: after connecting: ${describeError(err)}`));
  return true;
}

/** Admins: store a pasted token as the kind's connection (refused with the reason when it is not an accepted shape). */
export async function connectWithToken(db: Db, ctx: WorkspaceContext, kindSlug: string, input: unknown): Promise<void> {
  requireRole(ctx, "admin");
  const kind = await kindOrThrow(db, kindSlug);
  const parsed = parseInput(connectTokenSchema, input, kind.surface);
  const { token, tokenType, lifetimeMs } = checkPastedToken(kind.paste, kind, parsed.token);
  const now = Date.now();
  const expiresAt = parsed.expires_at ? new Date(parsed.expires_at) : lifetimeMs ? new Date(now + lifetimeMs) : null;
  if (expiresAt && expiresAt.getTime() <= now) throw new DispatchError(`bad_request:${kind.surface}`, "This token has already expired.", { field: "expires_at" });
  const login = (await kind.loginFor?.(token, tokenType)) ?? null;
  const stored = await store(db, kind, { workspaceId: ctx.workspace.id, userId: ctx.userId, tokenType, login }, { accessToken: token, refreshToken: null, expiresAt });
  if (!stored) throw new DispatchError(`internal:${kind.surface}`, `Could not save the ${kind.name} connection. Please try again.`);
}

/**
 * Admins: forget the kind's tokens (a provider's toggles and limits stay). When its OAuth server
 * has a revocation endpoint the tokens are revoked there first (best effort: an unreachable
 * server does not keep a token here).
 */
export async function disconnect(db: Db, ctx: WorkspaceContext, kindSlug: string): Promise<void> {
  requireRole(ctx, "admin");
  const kind = await kindOrThrow(db, kindSlug);
  const row = await getConnection(db, { workspaceId: ctx.workspace.id, kind: kind.kind });
  if (row && kind.oauth?.revokeUrl) {
    const ring = keyRing(dataDir());
    // The refresh token first: revoking it ends the whole grant at most servers (RFC 7009 §2.1).
    for (const ciphertext of [row.refreshTokenCiphertext, row.accessTokenCiphertext]) {
      if (!ciphertext) continue;
      let token: string;
      try {
        token = open(ring, { keyId: row.tokenKeyId, ciphertext });
      } catch {
        continue; // undecryptable: nothing to revoke, and it is deleted next
      }
      await revokeToken(kind.oauth, token);
    }
  }
  await deleteConnection(db, { workspaceId: ctx.workspace.id, kind: kind.kind });
}

/** Where the service sends the browser back (register this URL with the OAuth app). */
export const callbackUrl = (base: string, workspaceSlug: string, kind: string) =>
  `${base}/api/workspaces/${encodeURIComponent(workspaceSlug)}/connections/${encodeURIComponent(kind)}/callback`;

/** Admins: a fresh authorization URL at the service, with a pending state recorded here. */
export async function startAuthorization(db: Db, ctx: WorkspaceContext, kindSlug: string, base: string): Promise<string> {
  requireRole(ctx, "admin");
  const kind = await kindOrThrow(db, kindSlug);
  if (!kind.oauth) throw new DispatchError("bad_request:oauth_not_configured", kind.oauthHint ?? `OAuth is not configured for ${kind.name}.`);
  const state = newState();
  const verifier = newVerifier();
  const sealed = seal(keyRing(dataDir()), verifier);
  await insertOAuthState(db, {
    stateHash: hashState(state),
    workspaceId: ctx.workspace.id,
    kind: kind.kind,
    userId: ctx.userId,
    verifierCiphertext: sealed.ciphertext,
    verifierKeyId: sealed.keyId,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  return authorizationUrl(kind.oauth, { redirectUri: callbackUrl(base, ctx.workspace.slug, kind.kind), state, verifier });
}

/**
 * The service sent the browser back to `redirectUri`. Consumes the state (once), checks it was
 * issued to this admin for this workspace and kind and is still young, exchanges the code and
 * stores the tokens. Returns the error to show, or null when the kind is now connected.
 */
export async function completeAuthorization(
  db: Db,
  args: { userId: string | null; workspaceSlug: string; kind: string; redirectUri: string; params: CallbackParams },
): Promise<OAuthError | null> {
  const { params } = args;
  if (!params.state) return "bad_state";
  const pending = await consumeOAuthState(db, hashState(params.state));
  if (!pending || pending.kind !== args.kind || !args.userId || pending.userId !== args.userId) return "bad_state";
  const ctx = await loadWorkspaceContext(db, args.workspaceSlug, args.userId).catch(() => null);
  if (!ctx || ctx.workspace.id !== pending.workspaceId || !hasRole(ctx, "admin")) return "bad_state";
  const kind = await resolveKind(db, args.kind);
  if (!kind?.available) return "bad_state";
  if (pending.expiresAt.getTime() <= Date.now()) return "expired_state";
  if (params.error) return params.error === "access_denied" ? "denied" : "exchange_failed";
  if (!params.code || !kind.oauth) return "exchange_failed";

  let tokens: TokenResponse;
  let login: string | null;
  try {
    const verifier = open(keyRing(dataDir()), { keyId: pending.verifierKeyId, ciphertext: pending.verifierCiphertext });
    tokens = await tokenRequest(kind.oauth, { grant_type: "authorization_code", code: params.code, redirect_uri: args.redirectUri, code_verifier: verifier });
    login = (await kind.loginFor?.(tokens.accessToken, "oauth")) ?? null;
  } catch (err) {
    console.warn(`[connections] ${kind.kind}: exchanging the authorization code failed: ${describeError(err)}`);
    return "exchange_failed";
  }
  const stored = await store(db, kind, { workspaceId: ctx.workspace.id, userId: args.userId, tokenType: "oauth", login }, tokens);
  return stored ? null : "exchange_failed";
}

/** Where the callback sends the browser: the kind's settings page with the outcome in the query. */
export function settingsRedirect(base: string, workspaceSlug: string, kind: string, error: OAuthError | null): string {
  const url = new URL(`${base}/${encodeURIComponent(workspaceSlug)}/settings/${settingsPageOf(kind)}`);
  if (error) {
    url.searchParams.set("oauth_error", error);
    url.searchParams.set("provider", kind);
  } else {
    url.searchParams.set("connected", kind);
  }
  return url.toString();
}

/** For a settings card: how the kind's pasted token looks (null: OAuth only) and whether OAuth is set up (else which variables to set). */
export async function connectOptions(db: Db, kind: string): Promise<{ paste: PasteHint | null; oauth: { enabled: boolean; hint: string | null } }> {
  const described = await kindOrThrow(db, kind);
  return { paste: pasteHint(described.paste), oauth: { enabled: !!described.oauth, hint: described.oauthHint } };
}

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.NEXTAUTH_URL = "http://dispatch.test:3000";
process.env.DISPATCH_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString("base64")}`;

import { and, eq } from "drizzle-orm";
import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { getConnection } from "@/db/queries/connections";
import { oauthStates, workspaceConnections } from "@/db/schema";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import { keyRing, open, seal } from "@/lib/crypto/token-box";
import * as callbackRoute from "@/app/api/workspaces/[slug]/connections/[kind]/callback/route";
import * as connectRoute from "@/app/api/workspaces/[slug]/connections/[kind]/connect/route";
import * as connectionRoute from "@/app/api/workspaces/[slug]/connections/[kind]/connection/route";
import * as oldCallbackRoute from "@/app/api/workspaces/[slug]/agent/config/callback/[provider]/route";
import { consent, startOAuthServer, type OAuthTestServer } from "../support/oauth-server";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";

let server: OAuthTestServer;
const db = () => getDbHandle().db;
const ring = () => keyRing("/nonexistent");

type Fixture = Awaited<ReturnType<typeof setup>>;
let w: Fixture;

async function setup() {
  const f = await makeWorkspace(db(), ["admin", "member"]);
  const claude = (await loadCatalog(db(), f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
  return {
    slug: f.ws.slug,
    workspaceId: f.ws.id,
    providerId: claude.id,
    admin: await cookieFor(f.admin.id),
    otherAdmin: await cookieFor(f.members[0]!.user.id),
    member: await cookieFor(f.members[1]!.user.id),
  };
}

async function startConnect(cookie = w.admin): Promise<string> {
  const res = await call(connectRoute.POST, cookie, { slug: w.slug, kind: "claude" }, { method: "POST" });
  expect(res.status).toBe(200);
  return res.body!.authorization_url as string;
}

/** The browser arriving back from the provider: Dispatch's callback with the admin's cookie. */
async function callback(url: URL, cookie = w.admin): Promise<URL> {
  const req = new Request(url, { headers: { cookie } });
  const res = await callbackRoute.GET(req, { params: Promise.resolve({ slug: w.slug, kind: "claude" }) });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location")!);
}

const outcome = (location: URL) => location.searchParams.get("oauth_error") ?? (location.searchParams.get("connected") ? "connected" : "none");

/** Claude's stored connection; a kind that is not connected has no row, read as disconnected with no tokens. */
async function row() {
  const r = await getConnection(db(), { workspaceId: w.workspaceId, kind: "claude" });
  return r ?? { connectionStatus: "disconnected" as const, accessTokenCiphertext: null, refreshTokenCiphertext: null, tokenKeyId: null, tokenExpiresAt: null, connectedAt: null, connectedBy: null };
}
/** The access token as a run gets it. */
const getFreshAccessToken = async (...args: Parameters<typeof getFreshToken>) => (await getFreshToken(...args))?.token ?? null;

async function connectFully() {
  const back = await consent(await startConnect(), "allow");
  expect(outcome(await callback(back))).toBe("connected");
}

const tokenRequests = (grantType: string) => server.requests.filter((r) => r.path === "/token" && r.grantType === grantType);

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  server = await startOAuthServer();
  Object.assign(process.env, server.env("claude"));
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  w = await setup();
});

describe("connecting a provider by OAuth", () => {
  it("Allow at the provider stores sealed tokens, the expiry and who connected; the server checked the PKCE verifier", async () => {
    const authUrl = new URL(await startConnect());
    expect(authUrl.origin).toBe(server.issuer);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authUrl.searchParams.get("redirect_uri")).toBe(`http://dispatch.test:3000/api/workspaces/${w.slug}/connections/claude/callback`);
    const state = authUrl.searchParams.get("state")!;

    // Only a hash of the state and a sealed verifier are kept.
    const [pending] = await db().select().from(oauthStates).where(eq(oauthStates.workspaceId, w.workspaceId));
    expect(pending!.stateHash).not.toBe(state);
    expect(JSON.stringify(pending)).not.toContain(state);

    const back = await consent(authUrl.toString(), "allow");
    expect(back.searchParams.get("code")).toBeTruthy();
    const location = await callback(back);
    expect(location.pathname).toBe(`/${w.slug}/settings/agents`);
    expect(location.searchParams.get("connected")).toBe("claude");
    expect(location.toString()).not.toContain(back.searchParams.get("code")!);

    const r = await row();
    expect(r.connectionStatus).toBe("connected");
    expect(r.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(r.connectedAt).toBeTruthy();
    expect(r.connectedBy).not.toBeNull();
    const access = open(ring(), { keyId: r.tokenKeyId!, ciphertext: r.accessTokenCiphertext! });
    const refresh = open(ring(), { keyId: r.tokenKeyId!, ciphertext: r.refreshTokenCiphertext! });
    expect(access.length).toBeGreaterThan(20);
    expect(refresh.length).toBeGreaterThan(20);
    // The raw row holds ciphertext only.
    expect(JSON.stringify(r)).not.toContain(access);
    expect(JSON.stringify(r)).not.toContain(refresh);
    expect(tokenRequests("authorization_code").map((q) => q.status)).toContain(200);
    expect(await getFreshAccessToken(db(), ring(), { workspaceId: w.workspaceId, kind: "claude" })).toBe(access);
  });

  it("a tampered PKCE verifier is refused by the server: exchange_failed and nothing stored", async () => {
    const back = await consent(await startConnect(), "allow");
    const sealed = seal(ring(), "x".repeat(64));
    await db().update(oauthStates).set({ verifierCiphertext: sealed.ciphertext, verifierKeyId: sealed.keyId }).where(eq(oauthStates.workspaceId, w.workspaceId));
    const before = tokenRequests("authorization_code").length;
    expect(outcome(await callback(back))).toBe("exchange_failed");
    const refused = tokenRequests("authorization_code").slice(before);
    expect(refused).toEqual([expect.objectContaining({ status: 400, error: "invalid_grant" })]);
    expect((await row().catch(() => null))?.connectionStatus ?? "disconnected").toBe("disconnected");
  });

  it("the same state a second time is bad_state", async () => {
    const back = await consent(await startConnect(), "allow");
    expect(outcome(await callback(back))).toBe("connected");
    expect(outcome(await callback(back))).toBe("bad_state");
  });

  it("a state older than ten minutes is expired_state", async () => {
    const back = await consent(await startConnect(), "allow");
    await db().update(oauthStates).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(oauthStates.workspaceId, w.workspaceId));
    expect(outcome(await callback(back))).toBe("expired_state");
    expect((await row().catch(() => null))?.connectionStatus ?? "disconnected").toBe("disconnected");
  });

  it("a state issued to another admin is bad_state, and is spent", async () => {
    const back = await consent(await startConnect(w.otherAdmin), "allow");
    expect(outcome(await callback(back, w.admin))).toBe("bad_state");
    expect(outcome(await callback(back, w.otherAdmin))).toBe("bad_state");
  });

  it("Deny at the provider is denied, with the provider named", async () => {
    const back = await consent(await startConnect(), "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    const location = await callback(back);
    expect(location.searchParams.get("oauth_error")).toBe("denied");
    expect(location.searchParams.get("provider")).toBe("claude");
  });

  it("an authorization sent to the older callback path completes there (OAuth apps registered with it keep working)", async () => {
    const auth = new URL(await startConnect());
    const old = `/api/workspaces/${w.slug}/agent/config/callback/claude`;
    auth.searchParams.set("redirect_uri", `http://dispatch.test:3000${old}`);
    const back = await consent(auth.toString(), "allow");
    expect(back.pathname).toBe(old);
    const res = await oldCallbackRoute.GET(new Request(back, { headers: { cookie: w.admin } }), { params: Promise.resolve({ slug: w.slug, provider: "claude" }) });
    expect(res.status).toBe(303);
    expect(outcome(new URL(res.headers.get("location")!))).toBe("connected");
    expect((await row()).connectionStatus).toBe("connected");
  });

  it("members cannot start a connection", async () => {
    const res = await call(connectRoute.POST, w.member, { slug: w.slug, kind: "claude" }, { method: "POST" });
    expect(res.status).toBe(403);
  });

  it("disconnect revokes the tokens at the provider, then forgets them", async () => {
    await connectFully();
    const before = server.requests.filter((r) => r.path === "/revoke").length;
    const res = await call(connectionRoute.DELETE, w.admin, { slug: w.slug, kind: "claude" }, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(server.requests.filter((r) => r.path === "/revoke").length - before).toBe(2);
    const r = await row();
    expect(r.connectionStatus).toBe("disconnected");
    expect(r.accessTokenCiphertext).toBeNull();
  });
});

describe("refreshing before use", () => {
  const expireSoon = () =>
    db()
      .update(workspaceConnections)
      .set({ tokenExpiresAt: new Date(Date.now() + 2 * 60_000) })
      .where(and(eq(workspaceConnections.workspaceId, w.workspaceId), eq(workspaceConnections.kind, "claude")));
  const ids = () => ({ workspaceId: w.workspaceId, kind: "claude" });

  it("a token expiring within five minutes is refreshed, and the rotated refresh token is stored", async () => {
    await connectFully();
    const before = await row();
    const oldAccess = open(ring(), { keyId: before.tokenKeyId!, ciphertext: before.accessTokenCiphertext! });
    const oldRefresh = open(ring(), { keyId: before.tokenKeyId!, ciphertext: before.refreshTokenCiphertext! });
    await expireSoon();

    const token = await getFreshAccessToken(db(), ring(), ids());
    const after = await row();
    expect(token).not.toBe(oldAccess);
    expect(open(ring(), { keyId: after.tokenKeyId!, ciphertext: after.accessTokenCiphertext! })).toBe(token);
    expect(open(ring(), { keyId: after.tokenKeyId!, ciphertext: after.refreshTokenCiphertext! })).not.toBe(oldRefresh);
    expect(after.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    // Fresh now: the next call uses it without asking the server.
    const refreshes = tokenRequests("refresh_token").length;
    expect(await getFreshAccessToken(db(), ring(), ids())).toBe(token);
    expect(tokenRequests("refresh_token").length).toBe(refreshes);
  });

  it("five sessions starting at once refresh exactly once and all get the new token", async () => {
    await connectFully();
    await expireSoon();
    const before = tokenRequests("refresh_token").length;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => getFreshAccessToken(db(), ring(), ids())));
    expect(tokenRequests("refresh_token").length - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect((await row()).connectionStatus).toBe("connected");
  });

  it("a refused refresh marks the connection needs_reconnect and tells the member to ask an admin", async () => {
    await connectFully();
    await server.revokeAllGrants();
    await expireSoon();
    const error = await getFreshAccessToken(db(), ring(), ids()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ReconnectNeededError);
    expect((error as Error).message).toMatch(/Ask a workspace admin to reconnect Claude/);
    expect(tokenRequests("refresh_token").at(-1)).toMatchObject({ status: 400, error: "invalid_grant" });
    expect((await row()).connectionStatus).toBe("needs_reconnect");
    // Later sessions fail the same way without asking the server again.
    const count = tokenRequests("refresh_token").length;
    await expect(getFreshAccessToken(db(), ring(), ids())).rejects.toThrow(/reconnect Claude/);
    expect(tokenRequests("refresh_token").length).toBe(count);
    expect((await getConnection(db(), ids()))!.connectionStatus).toBe("needs_reconnect");
  });
});

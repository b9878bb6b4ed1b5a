import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.NEXTAUTH_URL = "http://dispatch.test:3000";
process.env.DISPATCH_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString("base64")}`;

import { and, eq } from "drizzle-orm";
import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { storeConnection } from "@/db/queries/connections";
import { workspaceConnections } from "@/db/schema";
import { keyRing, seal } from "@/lib/crypto/token-box";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import * as callbackRoute from "@/app/api/workspaces/[slug]/connections/[kind]/callback/route";
import * as connectRoute from "@/app/api/workspaces/[slug]/connections/[kind]/connect/route";
import * as connectionRoute from "@/app/api/workspaces/[slug]/connections/[kind]/connection/route";
import * as tokenRoute from "@/app/api/workspaces/[slug]/connections/[kind]/token/route";
import * as repositoryRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/repository/route";
import { createProject } from "@/lib/projects/service";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github-server";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";

// Settings → Git against the GitHub stand-in (github.com is outside this machine): its OAuth
// web flow with PKCE, pasted installation tokens, and the repository access check.
let gh: GitHubStandIn;
const db = () => getDbHandle().db;

async function setup() {
  const f = await makeWorkspace(db(), ["admin", "member"]);
  await createProject(db(), f.adminCtx, { name: "Web", identifier: "WEB" });
  return {
    slug: f.ws.slug,
    workspaceId: f.ws.id,
    adminId: f.admin.id,
    admin: await cookieFor(f.admin.id),
    otherAdmin: await cookieFor(f.members[0]!.user.id),
    member: await cookieFor(f.members[1]!.user.id),
  };
}
type Fixture = Awaited<ReturnType<typeof setup>>;

/** GitHub's authorize page, auto-approving: where it sends the browser back. */
async function consent(authorizationUrl: string): Promise<URL> {
  const res = await fetch(authorizationUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

async function callback(w: Fixture, url: URL, cookie = w.admin): Promise<URL> {
  const res = await callbackRoute.GET(new Request(url, { headers: { cookie } }), { params: Promise.resolve({ slug: w.slug, kind: "github" }) });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location")!);
}
const outcome = (l: URL) => l.searchParams.get("oauth_error") ?? (l.searchParams.get("connected") ? "connected" : "none");
const start = async (w: Fixture, cookie = w.admin) => {
  const res = await call(connectRoute.POST, cookie, { slug: w.slug, kind: "github" }, { method: "POST" });
  expect(res.status).toBe(200);
  return res.body!.authorization_url as string;
};

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  gh = await startGitHubStandIn();
  Object.assign(process.env, {
    DISPATCH_GITHUB_URL: gh.url,
    DISPATCH_GITHUB_API_URL: gh.apiUrl,
    DISPATCH_GITHUB_CLIENT_ID: gh.oauthClient.id,
    DISPATCH_GITHUB_CLIENT_SECRET: gh.oauthClient.secret,
  });
});
afterAll(async () => {
  await gh?.close();
});

describe("Connect GitHub (OAuth with PKCE)", () => {
  it("connects through GitHub's consent, keeping only ciphertext; the state works once and only for its admin", async () => {
    const w = await setup();
    const url = new URL(await start(w));
    expect(url.origin + url.pathname).toBe(`${gh.url}/login/oauth/authorize`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe(`http://dispatch.test:3000/api/workspaces/${w.slug}/connections/github/callback`);

    const back = await consent(url.toString());
    const location = await callback(w, back);
    expect(location.pathname).toBe(`/${w.slug}/settings/git`);
    expect(outcome(location)).toBe("connected");
    // GitHub checked the verifier against the challenge.
    const exchange = gh.requests.filter((r) => r.path === "/login/oauth/access_token").at(-1)!;
    expect((exchange.body as Record<string, string>).code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const view = await call(connectionRoute.GET, w.member, { slug: w.slug, kind: "github" });
    expect(view.body!.connection).toMatchObject({ status: "connected", kind: "oauth", login: "octocat", oauth_configured: true });
    // Who connected it and when is for admins.
    expect(view.body!.connection).toMatchObject({ connected_by: null, connected_at: null });
    expect((await call(connectionRoute.GET, w.admin, { slug: w.slug, kind: "github" })).body!.connection.connected_by).toBe("Admin");
    const [row] = await db().select().from(workspaceConnections).where(and(eq(workspaceConnections.workspaceId, w.workspaceId), eq(workspaceConnections.kind, "github")));
    expect(JSON.stringify(view.body)).not.toMatch(/gho_/);
    expect(row!.accessTokenCiphertext).not.toMatch(/gho_/);

    // The same redirect again: the state was consumed.
    expect(outcome(await callback(w, back))).toBe("bad_state");
    // A state issued to one admin is no good to another.
    const other = await consent(await start(w));
    expect(outcome(await callback(w, other, w.otherAdmin))).toBe("bad_state");
  });

  it("says so when the admin denies consent; members cannot start it", async () => {
    const w = await setup();
    gh.denyConsent(true);
    try {
      expect(outcome(await callback(w, await consent(await start(w))))).toBe("denied");
    } finally {
      gh.denyConsent(false);
    }
    expect((await call(connectRoute.POST, w.member, { slug: w.slug, kind: "github" }, { method: "POST" })).status).toBe(403);
    expect((await call(connectionRoute.GET, w.admin, { slug: w.slug, kind: "github" })).body!.connection.status).toBe("disconnected");
  });
});

describe("installation tokens and the repository check", () => {
  it("refuses a personal access token naming why, takes an installation token, checks access to the repository", async () => {
    const w = await setup();
    const pat = await call(tokenRoute.PUT, w.admin, { slug: w.slug, kind: "github" }, { method: "PUT", body: { token: `ghp_${"a".repeat(36)}` } });
    expect(pat.status).toBe(400);
    expect(pat.body!.error).toMatchObject({ code: "bad_request:git_connection", field: "token" });
    expect(pat.body!.error.message).toMatch(/personal access token/);

    const noRepo = await call(repositoryRoute.GET, w.member, { slug: w.slug, identifier: "WEB" });
    expect(noRepo.body!.check).toMatchObject({ ok: false, repository: null });

    const token = `ghs_${randomBytes(18).toString("hex")}`;
    gh.acceptToken(token);
    expect((await call(tokenRoute.PUT, w.member, { slug: w.slug, kind: "github" }, { method: "PUT", body: { token } })).status).toBe(403);
    const ok = await call(tokenRoute.PUT, w.admin, { slug: w.slug, kind: "github" }, { method: "PUT", body: { token } });
    expect(ok.status).toBe(200);
    expect(ok.body!.connection).toMatchObject({ status: "connected", kind: "installation" });
    expect(JSON.stringify(ok.body)).not.toContain(token);

    await gh.createRepo(`acme/web-${w.slug}`, { "README.md": "hi\n" });
    const bad = await call(repositoryRoute.PUT, w.admin, { slug: w.slug, identifier: "WEB" }, { method: "PUT", body: { repository: "not a repo", default_branch: "main" } });
    expect(bad.status).toBe(400);
    expect(bad.body!.error.message).toMatch(/owner\/name/);
    const set = await call(repositoryRoute.PUT, w.admin, { slug: w.slug, identifier: "WEB" }, { method: "PUT", body: { repository: `acme/web-${w.slug}`, default_branch: "main" } });
    expect(set.body!.check).toMatchObject({ ok: true, can_push: true, html_url: `${gh.url}/acme/web-${w.slug}` });
    const missing = await call(repositoryRoute.PUT, w.admin, { slug: w.slug, identifier: "WEB" }, { method: "PUT", body: { repository: "acme/nowhere", default_branch: "main" } });
    expect(missing.body!.check).toMatchObject({ ok: false });
    expect(missing.body!.check.message).toMatch(/acme\/nowhere was not found/);
    expect((await call(repositoryRoute.PUT, w.member, { slug: w.slug, identifier: "WEB" }, { method: "PUT", body: { repository: "acme/x", default_branch: "main" } })).status).toBe(403);

    expect((await call(connectionRoute.DELETE, w.admin, { slug: w.slug, kind: "github" }, { method: "DELETE" })).body!.connection.status).toBe("disconnected");
  });

  it("a token that expires without a working refresh marks the connection needs_reconnect", async () => {
    const w = await setup();
    const ring = keyRing("/nonexistent");
    const access = seal(ring, `gho_${"b".repeat(36)}`);
    await storeConnection(db(), {
      kind: "github",
      workspaceId: w.workspaceId,
      connectedBy: w.adminId,
      tokenType: "oauth",
      login: "octocat",
      keyId: access.keyId,
      accessTokenCiphertext: access.ciphertext,
      refreshTokenCiphertext: seal(ring, `ghr_${"c".repeat(36)}`).ciphertext,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await expect(getFreshToken(db(), ring, { workspaceId: w.workspaceId, kind: "github" })).rejects.toBeInstanceOf(ReconnectNeededError);
    expect((await call(connectionRoute.GET, w.admin, { slug: w.slug, kind: "github" })).body!.connection.status).toBe("needs_reconnect");
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";

// The route handlers read these lazily; set before the first request. The key ring is this
// test's own, so the test can open what the route sealed.
const KEYS = `settings:${randomBytes(32).toString("base64")}`;
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.BULLMQ_PREFIX = `test-${randomBytes(4).toString("hex")}`;
process.env.DISPATCH_ENCRYPTION_KEYS = KEYS;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { open, parseKeyRing } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { getSessionQueue, type BullSessionQueue } from "@/lib/queue/session-queue";
import * as configRoute from "@/app/api/workspaces/[slug]/agent/config/route";
import * as connectionRoute from "@/app/api/workspaces/[slug]/connections/[kind]/connection/route";
import * as tokenRoute from "@/app/api/workspaces/[slug]/connections/[kind]/token/route";
import * as invokeRoute from "@/app/api/workspaces/[slug]/agent/invoke/route";
import * as providersRoute from "@/app/api/workspaces/[slug]/agent/providers/route";
import { makeWorkspace } from "./helpers";
import { call, cookieFor, type Who } from "./route-client";
import { captureLogLines } from "@/lib/observability/log";

const claudeToken = () => `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`;
const API_KEY = `sk-ant-api03-${randomBytes(70).toString("base64url")}`;

/** A fresh workspace (admin "Admin", a member, a guest) with a project and an issue; nothing connected. */
async function setupWorkspace() {
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Tests fail" });
  return {
    slug: f.ws.slug,
    workspaceId: f.ws.id,
    adminId: f.admin.id,
    project,
    issue,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(f.members[0]!.user.id),
    guest: await cookieFor(f.members[1]!.user.id),
  };
}
type W = Awaited<ReturnType<typeof setupWorkspace>>;

/** The provider's raw config row with its connection's columns (null when never configured nor connected). */
async function rawConfig(w: W, providerSlug: string) {
  const p = (await loadCatalog(getDbHandle().db, w.workspaceId)).find((c) => c.slug === providerSlug)!;
  if (!p.config && !p.connection) return null;
  const c = p.connection;
  return {
    ...p.config,
    connectionStatus: c?.connectionStatus ?? "disconnected",
    accessTokenCiphertext: c?.accessTokenCiphertext ?? null,
    refreshTokenCiphertext: c?.refreshTokenCiphertext ?? null,
    tokenKeyId: c?.tokenKeyId ?? null,
    tokenExpiresAt: c?.tokenExpiresAt ?? null,
    connectedBy: c?.connectedBy ?? null,
    connectedAt: c?.connectedAt ?? null,
  };
}

const putToken = (w: W, who: Who, provider: string, body: unknown) => call(tokenRoute.PUT, who, { slug: w.slug, kind: provider }, { method: "PUT", body });
const deleteConnection = (w: W, who: Who, provider: string) => call(connectionRoute.DELETE, who, { slug: w.slug, kind: provider }, { method: "DELETE" });

// Everything the process logs while a test runs: a token must never be in it.
let logged: string[] = [];
let stopCapture = () => {};
beforeEach(() => {
  logged = [];
  // The structured log (lib/observability/log.ts) writes past console: capture it as well.
  stopCapture = captureLogLines(logged);
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});
afterEach(() => {
  stopCapture();
  vi.restoreAllMocks();
});

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
});

afterAll(async () => {
  await (getSessionQueue() as BullSessionQueue).destroy();
  await getCancelSignal().close();
  await getDbHandle().close();
});

describe("connecting a provider with a pasted token", () => {
  it("stores only a ciphertext, shows connected with who connected it, and never answers with the token", async () => {
    const w = await setupWorkspace();
    const token = claudeToken();
    const before = Date.now();
    const res = await putToken(w, w.admin, "claude", { token: `  ${token}\n` });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body!.provider).toMatchObject({
      provider_slug: "claude",
      connection_status: "connected",
      connected_by: { id: w.adminId, name: "Admin" },
      token_expires_at: null,
    });
    expect(Date.parse(res.body!.provider.connected_at)).toBeGreaterThanOrEqual(before - 1000);
    const middle = token.slice(13, 45);
    expect(JSON.stringify(res.body)).not.toContain(middle);

    const config = await call(configRoute.GET, w.admin, { slug: w.slug });
    const claude = config.body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "claude");
    expect(claude).toMatchObject({ connection_status: "connected", connected_by: { id: w.adminId, name: "Admin" } });
    expect(JSON.stringify(config.body)).not.toContain(middle);
    expect(JSON.stringify(config.body)).not.toMatch(/ciphertext|access_token|refresh_token|key_id/i);
    const providers = await call(providersRoute.GET, w.member, { slug: w.slug });
    expect(providers.body!.providers.find((p: { slug: string }) => p.slug === "claude").connected).toBe(true);
    expect(JSON.stringify(providers.body)).not.toContain(middle);

    const row = (await rawConfig(w, "claude"))!;
    expect(row.connectionStatus).toBe("connected");
    expect(row.connectedBy).toBe(w.adminId);
    expect(row.tokenKeyId).toBe("settings");
    expect(row.accessTokenCiphertext).toBeTruthy();
    expect(row.accessTokenCiphertext).not.toContain(middle);
    expect(Buffer.from(row.accessTokenCiphertext!, "base64").toString("latin1")).not.toContain(middle);
    // What the worker will do: open it with the key ring, getting back the trimmed token.
    expect(open(parseKeyRing(KEYS), { keyId: row.tokenKeyId!, ciphertext: row.accessTokenCiphertext! })).toBe(token);
    expect(logged.join("\n")).not.toContain(middle);
  });

  it("gives a pasted Google access token an expiry one hour ahead", async () => {
    const w = await setupWorkspace();
    const res = await putToken(w, w.admin, "gemini", { token: `ya29.a0${randomBytes(100).toString("base64url")}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const expires = Date.parse(res.body!.provider.token_expires_at);
    expect(Math.abs(expires - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect((await rawConfig(w, "gemini"))!.tokenExpiresAt?.getTime()).toBe(expires);
  });

  it("refuses an API key with 400 saying why, and stores nothing", async () => {
    const w = await setupWorkspace();
    const res = await putToken(w, w.admin, "claude", { token: API_KEY });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "bad_request:connection", field: "token" } } });
    expect(res.body!.error.message).toBe("This looks like an API key (sk-ant-api…). Dispatch connects with OAuth only: run `claude setup-token` and paste the token it prints.");
    expect(JSON.stringify(res.body)).not.toContain(API_KEY.slice(13, 40));

    const garbage = await putToken(w, w.admin, "claude", { token: "not-a-token-at-all" });
    expect(garbage).toMatchObject({ status: 400, body: { error: { code: "bad_request:connection", field: "token" } } });
    expect(garbage.body!.error.message).toContain("expected sk-ant-oat01-…");
    expect((await putToken(w, w.admin, "claude", {})).body).toMatchObject({ error: { code: "bad_request:connection", field: "token" } });

    const row = await rawConfig(w, "claude");
    expect(row?.connectionStatus ?? "disconnected").toBe("disconnected");
    expect(row?.accessTokenCiphertext ?? null).toBeNull();
    expect(logged.join("\n")).not.toContain(API_KEY.slice(13, 40));
  });

  it("a refused paste leaves an existing connection as it was", async () => {
    const w = await setupWorkspace();
    const token = claudeToken();
    expect((await putToken(w, w.admin, "claude", { token })).status).toBe(200);
    const sealed = (await rawConfig(w, "claude"))!.accessTokenCiphertext;
    expect((await putToken(w, w.admin, "claude", { token: API_KEY })).status).toBe(400);
    const row = (await rawConfig(w, "claude"))!;
    expect(row.connectionStatus).toBe("connected");
    expect(row.accessTokenCiphertext).toBe(sealed);
  });

  it("is for admins only: members and guests get 403, strangers 404, an unknown provider 404", async () => {
    const w = await setupWorkspace();
    const other = await setupWorkspace();
    const token = claudeToken();
    for (const who of [w.member, w.guest]) {
      expect((await putToken(w, who, "claude", { token })).body).toMatchObject({ error: { code: "forbidden:admin" } });
      expect((await putToken(w, who, "claude", { token })).status).toBe(403);
      expect((await deleteConnection(w, who, "claude")).status).toBe(403);
    }
    expect((await putToken(w, other.admin, "claude", { token })).status).toBe(404);
    expect((await deleteConnection(w, other.admin, "claude")).status).toBe(404);
    expect((await putToken(w, null, "claude", { token })).status).toBe(401);
    expect(await putToken(w, w.admin, "codex", { token })).toMatchObject({ status: 404, body: { error: { code: "not_found:provider" } } });
    expect(await deleteConnection(w, w.admin, "codex")).toMatchObject({ status: 404, body: { error: { code: "not_found:provider" } } });
    expect(await rawConfig(w, "claude")).toBeNull();
  });
});

describe("disconnecting", () => {
  it("deletes the ciphertext and who connected it, keeping limits and toggles", async () => {
    const w = await setupWorkspace();
    await call(configRoute.PUT, w.admin, { slug: w.slug }, { method: "PUT", body: { providers: [{ provider_slug: "claude", timeout_minutes: 42 }] } });
    expect((await putToken(w, w.admin, "claude", { token: claudeToken() })).status).toBe(200);

    const res = await deleteConnection(w, w.admin, "claude");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body!.provider).toMatchObject({ connection_status: "disconnected", connected_by: null, connected_at: null, token_expires_at: null, timeout_minutes: 42 });
    const row = (await rawConfig(w, "claude"))!;
    expect(row).toMatchObject({
      connectionStatus: "disconnected",
      accessTokenCiphertext: null,
      refreshTokenCiphertext: null,
      tokenKeyId: null,
      tokenExpiresAt: null,
      connectedBy: null,
      connectedAt: null,
      timeoutMinutes: 42,
    });
  });
});

describe("invoking after connecting", () => {
  it("@claude is refused as not connected before, and starts a session after", async () => {
    const w = await setupWorkspace();
    const body = { project_id: w.project.id, issue_id: w.issue.id, comment_text: "@claude please fix the login test" };
    const before = await call(invokeRoute.POST, w.member, { slug: w.slug }, { method: "POST", body });
    expect(before).toMatchObject({ status: 409, body: { error: { code: "conflict:provider_not_connected" } } });

    expect((await putToken(w, w.admin, "claude", { token: claudeToken() })).status).toBe(200);
    const after = await call(invokeRoute.POST, w.member, { slug: w.slug }, { method: "POST", body });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(after.body!.sessions[0]).toMatchObject({ status: "pending", model: "claude-sonnet-4-6" });

    expect((await deleteConnection(w, w.admin, "claude")).status).toBe(200);
    const again = await call(invokeRoute.POST, w.member, { slug: w.slug }, { method: "POST", body });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "conflict:provider_not_connected" } } });
  });
});

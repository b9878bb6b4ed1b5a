import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const keySpec = `t:${randomBytes(32).toString("base64")}`;
process.env.DATABASE_URL = inject("databaseUrl");
process.env.DISPATCH_ENCRYPTION_KEYS = keySpec;
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

import { getDb, getDbHandle, openDb } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import * as healthz from "@/app/api/healthz/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as readyz from "@/app/api/readyz/route";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { MemoryLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { runChecks } from "@/lib/observability/health";
import { webChecks } from "@/lib/observability/readiness-checks";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { startWorkerHttp } from "@/workers/http";
import { workerChecks } from "@/workers/readiness";
import { startWorker } from "@/workers/worker";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace } from "./helpers";
import { connectForTest } from "../support/connections";

const TOKEN = `metrics-${randomBytes(12).toString("hex")}`;
let api: ModelApi;

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  api = await startAnthropicApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
});
afterAll(async () => {
  delete process.env.DISPATCH_METRICS_TOKEN;
  await api?.close();
  await getDbHandle().close();
});

const get = (handler: { GET: (req: Request) => Response | Promise<Response> }, headers: Record<string, string> = {}) => handler.GET(new Request("http://localhost/api/x", { headers }));

/** A metric's value in Prometheus text (0 when the series is not there yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

describe("health and readiness", () => {
  it("GET /api/healthz answers 200 while the process is up", async () => {
    const res = await get(healthz);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { process: { ok: true } } });
  });

  it("GET /api/readyz is 200 with each check when the database is migrated and Redis answers", async () => {
    process.env.REDIS_URL = redisUrl;
    try {
      const res = await get(readyz);
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ status: "ok", checks: { database: { ok: true }, migrations: { ok: true }, redis: { ok: true } } });
    } finally {
      delete process.env.REDIS_URL;
    }
  });

  it("GET /api/readyz is 503 naming Redis when the configured Redis does not answer", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    try {
      const res = await get(readyz);
      const body = await res.json();
      expect(res.status).toBe(503);
      expect(body.status).toBe("failing");
      expect(body.checks.redis).toMatchObject({ ok: false, error: "ECONNREFUSED" });
      expect(body.checks.database.ok).toBe(true);
    } finally {
      delete process.env.REDIS_URL;
    }
  });

  it("readiness fails on a database without the migrations, and on one that cannot be reached", async () => {
    const admin = new pg.Client({ connectionString: inject("databaseUrl") });
    await admin.connect();
    const name = `dispatch_empty_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${name}`;
    const empty = openDb({ url: url.toString() });
    const gone = openDb({ url: "postgres://postgres@127.0.0.1:1/none" });
    try {
      const unmigrated = await runChecks(webChecks(() => empty.db, undefined));
      expect(unmigrated.status).toBe("failing");
      expect(unmigrated.checks.database!.ok).toBe(true);
      expect(unmigrated.checks.migrations).toMatchObject({ ok: false, error: expect.stringMatching(/^\d+ not applied \(0000_init, /) });
      const unreachable = await runChecks(webChecks(() => gone.db, undefined));
      expect(unreachable.checks.database).toMatchObject({ ok: false, error: "ECONNREFUSED" });
      expect(unreachable.checks.migrations!.ok).toBe(false);
    } finally {
      await empty.close();
      await gone.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("the worker's port answers /healthz, /readyz (Docker and the agent images too) and 503 when its engine is unreachable", async () => {
    const ok = await startWorkerHttp({ port: 0, host: "127.0.0.1", db: getDb(), checks: workerChecks({ db: getDb(), redisUrl }), workerId: "w-ok" });
    const broken = await startWorkerHttp({ port: 0, host: "127.0.0.1", db: getDb(), checks: workerChecks({ db: getDb(), docker: new Docker({ socketPath: "/nonexistent/docker.sock" }) }), workerId: "w-broken" });
    try {
      const health = await fetch(`http://127.0.0.1:${ok.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", worker_id: "w-ok" });
      const ready = await fetch(`http://127.0.0.1:${ok.port}/readyz`);
      const body = await ready.json();
      expect(ready.status, JSON.stringify(body)).toBe(200);
      expect(body.checks).toMatchObject({ database: { ok: true }, migrations: { ok: true }, redis: { ok: true }, docker: { ok: true }, images: { ok: true, detail: expect.stringMatching(/^\d+ present$/) } });
      const bad = await fetch(`http://127.0.0.1:${broken.port}/readyz`);
      const badBody = await bad.json();
      expect(bad.status).toBe(503);
      expect(badBody.checks.docker).toMatchObject({ ok: false, error: "ENOENT" });
      expect(badBody.checks.images.ok).toBe(false);
      expect((await fetch(`http://127.0.0.1:${ok.port}/nothing`)).status).toBe(404);
    } finally {
      await ok.close();
      await broken.close();
    }
  });
});

describe("metrics", () => {
  it("/api/metrics is 404 while DISPATCH_METRICS_TOKEN is unset, 401 without the right bearer token", async () => {
    delete process.env.DISPATCH_METRICS_TOKEN;
    expect((await get(metricsRoute, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    process.env.DISPATCH_METRICS_TOKEN = TOKEN;
    expect((await get(metricsRoute)).status).toBe(401);
    expect((await get(metricsRoute, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await get(metricsRoute, { authorization: TOKEN })).status).toBe(401);
    const res = await get(metricsRoute, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    for (const name of ["process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds", "dispatch_queue_depth", "dispatch_sessions_started_total", "dispatch_container_start_seconds"]) expect(text).toContain(name);
  });

  it("counters and histograms move after a real agent session, on the web route and on the worker's port", async () => {
    process.env.DISPATCH_METRICS_TOKEN = TOKEN;
    const scrape = async () => (await get(metricsRoute, { authorization: `Bearer ${TOKEN}` })).text();
    const db = getDb();
    const f = await makeWorkspace(db);
    const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(db, f.adminCtx, project, { title: "Metrics" });
    const claude = (await loadCatalog(db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: {} });
    const sealed = seal(parseKeyRing(keySpec), "sk-ant-oat01-metrics-test");
    await connectForTest(db, { workspaceId: f.adminCtx.workspace.id, kind: "claude", sealed });

    const before = await scrape();
    const queue = new MemorySessionQueue();
    const worker = await startWorker({ db, events: new MemoryLiveBus(), cancel: new MemoryCancelSignal(), source: { memory: queue }, reconcile: false });
    const port = await startWorkerHttp({ port: 0, host: "127.0.0.1", db, checks: [], workerId: worker.workerId });
    try {
      const id = (await addComment(db, f.adminCtx, issue, { text: "@claude what is the answer?" }, { queue })).sessions[0]!.id;
      const end = Date.now() + 60_000;
      while ((await getSessionOrThrow(db, f.adminCtx, id)).status !== "completed") {
        if (Date.now() > end) throw new Error(`session did not complete: ${(await getSessionOrThrow(db, f.adminCtx, id)).status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
      expect(moved("dispatch_sessions_started_total", { provider: "claude" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_sessions_ended_total", { provider: "claude", status: "completed" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_queue_wait_seconds_count", { provider: "claude" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_session_first_event_seconds_count", { provider: "claude" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_session_run_seconds_count", { provider: "claude", status: "completed" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_container_start_seconds_count")).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_model_proxy_requests_total", { status: "200" })).toBeGreaterThanOrEqual(1);
      expect(moved("dispatch_events_published_total", { kind: "session" })).toBeGreaterThanOrEqual(3);

      // The worker's port serves the same registry, under the same token rule.
      expect((await fetch(`http://127.0.0.1:${port.port}/metrics`)).status).toBe(401);
      const fromWorker = await (await fetch(`http://127.0.0.1:${port.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(sample(fromWorker, "dispatch_sessions_ended_total", { provider: "claude", status: "completed" })).toBeGreaterThanOrEqual(1);
    } finally {
      await port.close();
      await worker.stop();
    }
  }, 90_000);
});

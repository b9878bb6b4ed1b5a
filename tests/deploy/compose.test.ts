import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace } from "../integration/helpers";
import { cookieFor } from "../integration/route-client";
import { freePort, getJson, run, runAsync, waitFor } from "./support";
import { connectForTest } from "../support/connections";

// The app image (dispatch/app, built by `npm run images`; scripts/test-deploy.sh builds it first) under
// docker-compose, with the override that points web and worker at this machine's PostgreSQL and Redis.
const root = path.resolve(import.meta.dirname, "../..");
const compose = process.env.DISPATCH_COMPOSE ?? "docker-compose";
const project = `dispatch-test-${randomBytes(3).toString("hex")}`;
const keySpec = `k1:${randomBytes(32).toString("base64")}`;
const secret = randomBytes(32).toString("base64url");
const metricsToken = randomBytes(16).toString("hex");
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let dbName: string;
let dbUrl: string;
let h: DbHandle;
let api: ModelApi;
let envFile: string;
let workDir: string;
let webPort: number;
let workerPort: number;
let webContainer: string | undefined;
const base = () => `http://127.0.0.1:${webPort}`;
const composeArgs = () => ["-p", project, "-f", path.join(root, "compose.yaml"), "-f", path.join(root, "compose.host-services.yaml"), "--env-file", envFile];

beforeAll(async () => {
  // Its own database, migrated by the web container itself at start-up.
  const admin = new pg.Client({ connectionString: inject("databaseUrl") });
  await admin.connect();
  dbName = `dispatch_compose_${randomBytes(3).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(inject("databaseUrl"));
  u.pathname = `/${dbName}`;
  dbUrl = u.toString();

  api = await startAnthropicApi();
  webPort = await freePort();
  workerPort = await freePort();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-compose-sessions-"));
  fs.chownSync(workDir, 1000, 1000);
  envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-compose-env-")), ".env");
  fs.writeFileSync(
    envFile,
    [
      `HOST_DATABASE_URL=${dbUrl}`,
      `HOST_REDIS_URL=${redisUrl}`,
      "POSTGRES_PASSWORD=unused-here",
      `NEXTAUTH_SECRET=${secret}`,
      `NEXTAUTH_URL=${`http://127.0.0.1:${webPort}`}`,
      `DISPATCH_ENCRYPTION_KEYS=${keySpec}`,
      `DISPATCH_METRICS_TOKEN=${metricsToken}`,
      `PORT=${webPort}`,
      `WORKER_HTTP_PORT=${workerPort}`,
      `DISPATCH_WORK_DIR=${workDir}`,
      `DOCKER_GID=${fs.statSync("/var/run/docker.sock").gid}`,
      `DISPATCH_MODEL_API_CLAUDE=${api.url}`,
      `BULLMQ_PREFIX=${project}`,
      "",
    ].join("\n"),
  );
  // The web through `run`, which leaves out its published port: host networking has no use for it, and
  // docker-compose 1.29 refuses the two together.
  await runAsync(compose, [...composeArgs(), "up", "-d", "--no-deps", "--no-build", "worker"], { cwd: root });
  webContainer = (await runAsync(compose, [...composeArgs(), "run", "-d", "--no-deps", "web"], { cwd: root })).trim().split("\n").at(-1)!;
}, 600_000);

afterAll(async () => {
  if (envFile) {
    const logs = await runAsync(compose, [...composeArgs(), "logs", "--no-color", "--tail", "200"], { cwd: root }).catch((e: Error) => e.message);
    const webLogs = webContainer ? await runAsync("docker", ["logs", "--tail", "200", webContainer]).catch((e: Error) => e.message) : "";
    fs.writeFileSync(path.join(os.tmpdir(), `${project}.log`), `${logs}\n== web\n${webLogs}`);
    if (webContainer) await runAsync("docker", ["rm", "-f", webContainer]).catch(() => undefined);
    await runAsync(compose, [...composeArgs(), "down", "-v", "--timeout", "20"], { cwd: root }).catch(() => undefined);
  }
  await h?.close();
  await api?.close();
  if (dbName) {
    const admin = new pg.Client({ connectionString: inject("databaseUrl") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe("compose.yaml with the app image", () => {
  it("comes up healthy (web and worker readiness), runs one agent session end to end, and serves metrics", async () => {
    const web = await waitFor("the web's /api/readyz", async () => {
      const r = await getJson(`${base()}/api/readyz`);
      return r?.status === 200 ? r : undefined;
    }, 180_000, 1000);
    expect(web.body).toMatchObject({ status: "ok", checks: { database: { ok: true }, migrations: { ok: true }, redis: { ok: true } } });
    const worker = await waitFor("the worker's /readyz", async () => {
      const r = await getJson(`http://127.0.0.1:${workerPort}/readyz`);
      return r?.status === 200 ? r : undefined;
    }, 120_000, 1000);
    expect(worker.body).toMatchObject({ status: "ok", checks: { docker: { ok: true }, images: { ok: true } } });
    // Both containers run as the image's non-root user.
    const ps = [...run(compose, [...composeArgs(), "ps", "-q", "worker"], { cwd: root }).trim().split("\n"), webContainer!];
    expect(ps).toHaveLength(2);
    for (const id of ps) expect(run("docker", ["inspect", "-f", "{{.Config.User}}", id]).trim()).toBe("1000:1000");

    // The web container migrated the database; the fixtures go in through the same code.
    h = openDb({ url: dbUrl });
    await prepareDatabase(h, dbUrl);
    const f = await makeWorkspace(h.db);
    const proj = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, proj, { title: "Through compose" });
    const claude = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: {} });
    const sealed = seal(parseKeyRing(keySpec), `sk-ant-oat01-${randomBytes(12).toString("hex")}`);
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "claude", sealed });

    // A member mentions the agent through the web container's API, as a browser would.
    process.env.NEXTAUTH_SECRET = secret;
    const cookie = await cookieFor(f.admin.id);
    const slug = f.adminCtx.workspace.slug;
    const posted = await fetch(`${base()}/api/workspaces/${slug}/issues/WEB-${issue.number}/comments`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ text: "@claude what is the answer?" }),
    });
    const postedBody = (await posted.json()) as { sessions?: { id: string }[] };
    expect(posted.status, JSON.stringify(postedBody)).toBe(201);
    const sessionId = postedBody.sessions![0]!.id;

    const session = await waitFor("the session to end", async () => {
      const r = await getJson(`${base()}/api/workspaces/${slug}/agent/sessions/${sessionId}`, { cookie });
      const s = (r?.body.session ?? r?.body) as { status?: string } | undefined;
      return s && ["completed", "failed", "cancelled", "timed_out"].includes(String(s.status)) ? s : undefined;
    }, 120_000, 1000);
    expect(session).toMatchObject({ status: "completed" });
    expect(JSON.stringify(session)).toContain("42");

    // Metrics: the web's route behind the token, and the worker's port counted the run.
    expect((await getJson(`${base()}/api/metrics`))?.status).toBe(401);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    expect(workerMetrics).toMatch(/dispatch_sessions_ended_total\{provider="claude",status="completed",code=""\} 1/);
    expect((await getJson(`${base()}/api/healthz`))?.status).toBe(200);
  }, 400_000);
});

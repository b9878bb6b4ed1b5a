import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const keySpec = `t:${randomBytes(32).toString("base64")}`;
process.env.BULLMQ_PREFIX = `test-${randomBytes(4).toString("hex")}`;
process.env.DISPATCH_ENCRYPTION_KEYS = keySpec;

import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { MemoryLiveBus, type LiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { BullSessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { INSTALLATION_LABEL, SESSION_LABEL } from "@/workers/sandbox/docker-sandbox";
import { installationId } from "@/workers/sandbox/installation";
import { advisoryLeadership } from "@/db/leader";
import type { SessionEvent } from "@/lib/sessions/events";
import { startReconciler } from "@/lib/sessions/reconcile";
import { startWorker } from "@/workers/worker";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

const docker = new Docker();
let h: DbHandle;
let api: ModelApi;
let queue: BullSessionQueue;

beforeAll(async () => {
  // The in-process workers below label and reap containers as the installation of this database.
  process.env.DATABASE_URL = inject("databaseUrl");
  h = await openTestPostgres();
  api = await startAnthropicApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
  queue = new BullSessionQueue(redisUrl);
});
afterAll(async () => {
  await queue?.destroy();
  await api?.close();
  await h?.close();
});

async function workspaceWithClaude() {
  const f = await makeWorkspace(h.db);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Scripted" });
  const claude = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: { maxConcurrentSessions: 20 } });
  await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: claude.slug });
  const sealed = seal(parseKeyRing(keySpec), "sk-ant-oat01-test");
  await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "claude", sealed: sealed });
  return { ...f, issue };
}

const sessionContainers = async (ids: Set<string>) =>
  (await docker.listContainers({ filters: { label: [SESSION_LABEL] } })).filter((c) => ids.has(c.Labels[SESSION_LABEL] ?? "")).length;

async function waitFor(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the worker process", () => {
  it("runs 10 queued sessions at most 4 containers at a time (WORKER_CONCURRENCY=4)", async () => {
    const f = await workspaceWithClaude();
    const worker = await startWorker({ db: h.db, events: new MemoryLiveBus(), cancel: new MemoryCancelSignal(), source: { redisUrl }, concurrency: 4, runner: { timeoutMsOverride: 2500 } });
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) ids.add((await addComment(h.db, f.adminCtx, f.issue, { text: `@claude [script:hang] run ${i}` }, { queue })).sessions[0]!.id);
    let max = 0;
    const statuses = async () => Promise.all([...ids].map(async (id) => (await getSessionOrThrow(h.db, f.adminCtx, id)).status));
    await waitFor(async () => {
      max = Math.max(max, await sessionContainers(ids));
      return (await statuses()).every((s) => s === "timed_out");
    }, 60_000, "all sessions to time out");
    await worker.stop();
    expect(max).toBe(4);
    expect(await sessionContainers(ids)).toBe(0);
  }, 90_000);

  it("on SIGTERM stops taking jobs, cancels what outlives the grace period, removes its containers and exits 0", async () => {
    const f = await workspaceWithClaude();
    const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: redisUrl, WORKER_GRACE_MS: "1000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const id = (await addComment(h.db, f.adminCtx, f.issue, { text: "@claude [script:hang] long job" }, { queue })).sessions[0]!.id;
    await waitFor(async () => (await getSessionOrThrow(h.db, f.adminCtx, id)).status === "streaming", 60_000, `streaming (worker log: ${log})`);
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.once("exit", r));
    expect(code, log).toBe(0);
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("cancelled");
    expect(s.errorMessage).toBe("The worker shut down before the session finished.");
    expect((await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${id}`] } })).length).toBe(0);
  }, 90_000);

  it("after its only worker is killed mid-run, the session ends within 30 s with a reason, its done and one comment; the next worker removes the container", async () => {
    const f = await workspaceWithClaude();
    // What the web process runs: the reconciler, leading through the advisory lock, with no worker of its own.
    // Other files' sessions share this database: keep only what is said about this test's session.
    const seen: SessionEvent[] = [];
    let watched = "";
    const bus: LiveBus = {
      publish: async (entries) => void entries.forEach((e) => e.kind === "session" && e.sessionId === watched && seen.push(...e.events)),
      close: async () => undefined,
    };
    const reconciler = startReconciler({ db: h.db, queue, bus, leadership: advisoryLeadership(inject("databaseUrl"), `test-${randomBytes(4).toString("hex")}`), everyMs: 1000 });
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: redisUrl, WORKER_CONCURRENCY: "2" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    try {
      const id = (await addComment(h.db, f.adminCtx, f.issue, { text: "@claude [script:hang] keep going" }, { queue })).sessions[0]!.id;
      watched = id;
      await waitFor(async () => (await getSessionOrThrow(h.db, f.adminCtx, id)).status === "streaming", 60_000, `streaming (worker log: ${log})`);
      child.kill("SIGKILL");
      const killedAt = Date.now();
      await new Promise((r) => child.once("exit", r));
      await waitFor(async () => (await getSessionOrThrow(h.db, f.adminCtx, id)).status === "failed", 30_000, "the reconciler to end the session").catch(async (err: Error) => {
        const state = await h.db.execute(sql`select s.status, s.worker_id, now() - s.updated_at as idle, (select json_agg(w) from agent_workers w) as workers from agent_sessions s where s.id = ${id}`);
        throw new Error(`${err.message}: ${JSON.stringify((state as unknown as { rows: unknown[] }).rows)}`);
      });
      const endedAfterMs = Date.now() - killedAt;
      console.info(`[faults] worker kill -9 → session failed after ${endedAfterMs} ms`);
      const s = await getSessionOrThrow(h.db, f.adminCtx, id);
      expect(s.errorCode).toBe("worker_lost");
      expect(s.errorMessage).toContain("The worker running this session stopped");
      await waitFor(async () => seen.some((e) => e.type === "done"), 5_000, "done on the live bus");
      expect(seen.filter((e) => e.type === "done")).toEqual([expect.objectContaining({ status: "failed", code: "worker_lost" })]);
      const rows = async (q: ReturnType<typeof sql>) => ((await h.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
      const finals = { rows: await rows(sql`select body_html from comments where author_session_id = ${id}`) };
      expect(finals.rows).toHaveLength(1);
      expect(String(finals.rows[0]!.body_html)).toContain("The worker running this session stopped");
      // Its worker row is gone too.
      expect(await rows(sql`select 1 from agent_workers where last_seen_at < now() - interval '20 seconds'`)).toHaveLength(0);

      const next = await startWorker({ db: h.db, events: new MemoryLiveBus(), cancel: new MemoryCancelSignal(), source: { redisUrl }, reconcile: false });
      await next.stop();
      expect((await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${id}`] } })).length).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await reconciler.stop();
    }
  }, 150_000);

  it("the reaper removes its own installation's unknown containers and leaves another installation's alone", async () => {
    const unknownSession = () => `00000000-0000-4000-8000-${randomBytes(6).toString("hex")}`;
    const make = (installation: string) =>
      docker.createContainer({ Image: "dispatch/agent-claude:latest", Cmd: ["true"], Labels: { [SESSION_LABEL]: unknownSession(), [INSTALLATION_LABEL]: installation } });
    const ours = await make(installationId());
    const theirs = await make("another-installation");
    try {
      const w = await startWorker({ db: h.db, events: new MemoryLiveBus(), cancel: new MemoryCancelSignal(), source: { redisUrl }, reconcile: false });
      await w.stop();
      const left = new Set((await docker.listContainers({ all: true, filters: { label: [SESSION_LABEL] } })).map((c) => c.Id));
      expect(left.has(ours.id)).toBe(false);
      expect(left.has(theirs.id)).toBe(true);
    } finally {
      await theirs.remove({ force: true });
      await ours.remove({ force: true }).catch(() => {});
    }
  }, 60_000);
});

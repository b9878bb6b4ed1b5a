import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const keySpec = `lj:${randomBytes(32).toString("base64")}`;
process.env.BULLMQ_PREFIX = `faults-${randomBytes(4).toString("hex")}`;
process.env.DISPATCH_ENCRYPTION_KEYS = keySpec;

import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { MemoryLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { BullSessionQueue } from "@/lib/queue/session-queue";
import { cancelSession, getSessionOrThrow } from "@/lib/sessions/service";
import { startWorker } from "@/workers/worker";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace, openTestPostgres } from "../integration/helpers";
import { connectForTest } from "../support/connections";

// A Redis without persistence restarts while a session waits in the queue for the only worker slot:
// its job is gone from Redis, and the session still runs — the reconciler gives it its job back
// from the database. Real Redis (shut down and started again), PostgreSQL, Docker, Claude Code CLI.

const run = promisify(execFile);
const startRedis = () =>
  run("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]);

async function restartRedisForgettingEverything() {
  await run("redis-cli", ["-u", redisUrl, "shutdown", "nosave"]).catch(() => undefined);
  await startRedis();
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  for (let i = 0; i < 50; i++) {
    if (await probe.connect().then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.disconnect();
}

let h: DbHandle;
let api: ModelApi;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  h = await openTestPostgres();
  api = await startAnthropicApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
});
afterAll(async () => {
  await startRedis().catch(() => undefined); // never leave the machine without its Redis
  await api?.close();
  await h?.close();
});

async function waitFor(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a Redis restart without persistence while a job waits", () => {
  it("the waiting session still runs: its job is rebuilt from the database", async () => {
    const f = await makeWorkspace(h.db);
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "Lost job" });
    const claude = (await loadCatalog(h.db, f.ws.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 5 } });
    await connectForTest(h.db, { workspaceId: f.ws.id, kind: claude.slug });
    const sealed = seal(parseKeyRing(keySpec), `sk-ant-oat01-${randomBytes(12).toString("hex")}`);
    await connectForTest(h.db, { workspaceId: f.ws.id, kind: "claude", sealed: sealed });

    const queue = new BullSessionQueue(redisUrl);
    const cancel = new MemoryCancelSignal();
    const worker = await startWorker({ db: h.db, events: new MemoryLiveBus(), cancel, source: { redisUrl }, concurrency: 1, reconcile: { everyMs: 1_000 } });
    try {
      const busy = (await addComment(h.db, f.adminCtx, issue, { text: "@claude [script:hang] hold the only slot" }, { queue })).sessions[0]!.id;
      await waitFor(async () => (await getSessionOrThrow(h.db, f.adminCtx, busy)).status === "streaming", 60_000, "the first session to stream");
      const waiting = (await addComment(h.db, f.adminCtx, issue, { text: "@claude [script:plain] answer me" }, { queue })).sessions[0]!.id;
      expect((await getSessionOrThrow(h.db, f.adminCtx, waiting)).status).toBe("queued");

      const runId = async () => {
        const r = new Redis(redisUrl);
        const info = await r.info("server");
        r.disconnect();
        return /run_id:(\w+)/.exec(info)?.[1];
      };
      const before = await runId();
      await restartRedisForgettingEverything(); // with no persistence, every job is gone
      expect(await runId()).not.toBe(before);
      await cancelSession(h.db, f.adminCtx, busy, { queue, signal: cancel }); // frees the only slot

      await waitFor(async () => (await getSessionOrThrow(h.db, f.adminCtx, waiting)).status === "completed", 90_000, "the waiting session to run and complete").catch(async (err: Error) => {
        const { Queue } = await import("bullmq");
        const q = new Queue("agent-sessions", { connection: new Redis(redisUrl), prefix: process.env.BULLMQ_PREFIX });
        const job = await q.getJob(waiting);
        throw new Error(`${err.message}: status ${(await getSessionOrThrow(h.db, f.adminCtx, waiting)).status}, busy ${(await getSessionOrThrow(h.db, f.adminCtx, busy)).status}, job ${job ? await job.getState() : "none"}, counts ${JSON.stringify(await q.getJobCounts())}`);
      });
      expect((await getSessionOrThrow(h.db, f.adminCtx, busy)).status).toBe("cancelled");
    } finally {
      await worker.stop();
      await queue.destroy().catch(() => undefined);
    }
  }, 180_000);
});

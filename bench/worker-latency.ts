// npm run bench – how far the worker is from the floor Docker sets. Median of 20 runs each:
//   queued → container started (ms)      vs  a bare create+start of the same image, hardened
//   container stdout line → event in Redis (ms)
// Needs PostgreSQL and Redis on loopback, a Docker engine and the agent image (npm test prepares all).
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import Docker from "dockerode";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import pg from "pg";
import { openDb } from "../db/client";
import { prepareDatabase } from "../db/migrate";
import { loadCatalog, upsertAgentConfig } from "../db/queries/agents";
import { MemoryCancelSignal } from "../lib/bus/cancel-signal";
import { RedisLiveBus } from "../lib/bus/session-events";
import type { LiveEntry } from "../lib/live/entries";
import { addComment } from "../lib/comments/service";
import { parseKeyRing, seal } from "../lib/crypto/token-box";
import { createIssue } from "../lib/issues/service";
import { createProject } from "../lib/projects/service";
import { BullSessionQueue } from "../lib/queue/session-queue";
import { signUp } from "../lib/users/service";
import { loadWorkspaceContext } from "../lib/workspaces/access";
import { createWorkspace } from "../lib/workspaces/service";
import { DockerSandbox } from "../workers/sandbox/docker-sandbox";
import type { SandboxDriver, SandboxHandle, SandboxSpec } from "../workers/sandbox/types";
import { startWorker } from "../workers/worker";
import { startAnthropicApi } from "../tests/support/anthropic-api";
import { connectForTest } from "../tests/support/connections";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const IMAGE = "dispatch/agent-claude:latest";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Records when each session's first stdout line left the container stream. */
class TimedSandbox implements SandboxDriver {
  firstLineAt = new Map<string, number>();
  constructor(private readonly inner: SandboxDriver) {}
  imageExists = (i: string) => this.inner.imageExists(i);
  list = () => this.inner.list();
  removeById = (id: string) => this.inner.removeById(id);
  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const h = await this.inner.start(spec);
    const seen = this.firstLineAt;
    return {
      ...h,
      id: h.id,
      wait: () => h.wait(),
      kill: () => h.kill(),
      remove: () => h.remove(),
      async *lines() {
        for await (const l of h.lines()) {
          if (l.stream === "stdout" && !seen.has(spec.sessionId)) seen.set(spec.sessionId, Date.now());
          yield l;
        }
      },
    };
  }
}

async function floor(docker: Docker): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c = await docker.createContainer({
      Image: IMAGE,
      Entrypoint: ["true"],
      User: "1000:1000",
      HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], ReadonlyRootfs: true, Init: true, PidsLimit: 512 },
    });
    await c.start();
    out.push(performance.now() - t0);
    await c.wait();
    await c.remove({ force: true });
  }
  return out;
}

async function main() {
  const docker = new Docker();
  const dbName = `dispatch_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle = openDb({ url: url.toString() });
  process.env.BULLMQ_PREFIX = `bench-${randomBytes(3).toString("hex")}`;
  const keys = `b:${randomBytes(32).toString("base64")}`;
  process.env.DISPATCH_ENCRYPTION_KEYS = keys;
  const api = await startAnthropicApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
  const queue = new BullSessionQueue(redisUrl);
  const events = new RedisLiveBus(redisUrl, `bench-live-${randomBytes(3).toString("hex")}`);
  const redis = new Redis(redisUrl);
  const sandbox = new TimedSandbox(new DockerSandbox(docker));
  try {
    await prepareDatabase(handle, url.toString());
    const db = handle.db;
    const user = await signUp(db, { name: "Bench", email: `bench-${dbName}@example.test`, password: "bench-password" });
    const ws = await createWorkspace(db, user.id, { name: "Bench", slug: `bench-${randomBytes(3).toString("hex")}` });
    const ctx = await loadWorkspaceContext(db, ws.slug, user.id);
    const project = await createProject(db, ctx, { name: "Bench", identifier: "BEN" });
    const issue = await createIssue(db, ctx, project, { title: "Bench" });
    const claude = (await loadCatalog(db, ws.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(db, { workspaceId: ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 100 } });
    const sealed = seal(parseKeyRing(keys), "sk-ant-oat01-bench");
    await connectForTest(db, { workspaceId: ws.id, kind: claude.slug, sealed });

    const worker = await startWorker({ db, events, cancel: new MemoryCancelSignal(), source: { redisUrl }, concurrency: 1, sandbox });
    const started: number[] = [];
    const lineToRedis: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      const { sessions } = await addComment(db, ctx, issue, { text: `@claude [script:plain] run ${i}` }, { queue });
      const id = sessions[0]!.id;
      for (;;) {
        const r = (await db.execute(sql`select status, started_at from agent_sessions where id = ${id}`)) as unknown as { rows: { status: string; started_at: Date | null }[] };
        const row = r.rows[0]!;
        if (["completed", "failed", "timed_out", "cancelled"].includes(row.status)) {
          if (row.status !== "completed") throw new Error(`bench session ${i} ended ${row.status}`);
          started.push(new Date(row.started_at!).getTime() - t0);
          break;
        }
        await new Promise((r2) => setTimeout(r2, 20));
      }
      // The first entry of this session carrying the CLI's output (not a status of the claim).
      const entries = (await redis.xrange(events.stream, "-", "+")) as [string, string[]][];
      const first = entries.find(([, f]) => {
        const e = JSON.parse(f[1]!) as LiveEntry;
        return e.kind === "session" && e.sessionId === id && e.events.some((x) => x.type !== "status");
      });
      if (!first) throw new Error(`bench session ${i}: no output event reached Redis`);
      lineToRedis.push(Number(first[0].split("-")[0]) - sandbox.firstLineAt.get(id)!);
    }
    await worker.stop();
    await redis.del(events.stream);
    const bare = await floor(docker);

    const fmt = (n: number) => n.toFixed(1).padStart(8);
    console.log(`\nworker latency, median of ${RUNS} (ms)`);
    console.log(`  queued → container started          ${fmt(median(started))}`);
    console.log(`  floor: bare hardened create+start   ${fmt(median(bare))}`);
    console.log(`  ratio                               ${fmt(median(started) / median(bare))}x`);
    console.log(`  stdout line → event in Redis        ${fmt(median(lineToRedis))}   (database write, then XADD)`);
  } finally {
    await queue.destroy().catch(() => undefined);
    await events.close();
    redis.disconnect();
    await api.close();
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
process.exit(0);

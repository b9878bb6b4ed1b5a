// npm run bench:questions – what a question mid-run costs while it waits, and how fast the answer
// gets the agent going again, for the two ways a waiting session can be held:
//   kept     the container stays up, its ask_team call open (the default while its worker runs)
//   parked   its worker stopped: the container is gone, the answer resumes the CLI's conversation
//            in a new container on the next worker
// For Claude Code and Gemini CLI, BENCH_RUNS rounds each (default 5): memory of the idle waiting
// container (cgroup usage less page cache, from the engine's stats), and answer → session completed
// (the scripted model API answers at once, so this is the resume overhead). Needs PostgreSQL on
// loopback, a Docker engine and the agent images. Exits non-zero, saying why, when it cannot measure.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import type { Db } from "../db/client";
import { sql as pgSql } from "drizzle-orm";
import { loadCatalog, upsertAgentConfig } from "../db/queries/agents";
import { getRequest } from "../db/queries/session-requests";
import { getSession } from "../db/queries/sessions";
import { MemoryCancelSignal } from "../lib/bus/cancel-signal";
import { MemoryLiveBus } from "../lib/bus/session-events";
import { addComment } from "../lib/comments/service";
import { parseKeyRing, seal } from "../lib/crypto/token-box";
import { createIssue } from "../lib/issues/service";
import { MemorySessionQueue } from "../lib/queue/session-queue";
import { answerRequest } from "../lib/sessions/requests";
import { startAnthropicApi } from "../tests/support/anthropic-api";
import { connectForTest } from "../tests/support/connections";
import { startGeminiApi } from "../tests/support/gemini-api";
import { DockerSandbox, SESSION_LABEL } from "../workers/sandbox/docker-sandbox";
import { startWorker } from "../workers/worker";
import { createBenchDatabase, dropOrWarn } from "./support/bench-database";
import { spread } from "./support/stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
class BenchFailure extends Error {}

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new BenchFailure(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new BenchFailure(`BENCH_RUNS must be a whole number ≥ 1 (got ${process.env.BENCH_RUNS})`);
  const docker = new Docker();
  await docker.ping().catch((err: unknown) => {
    throw new BenchFailure(`no Docker engine answers (${(err as Error).message}): start one, see README`);
  });
  const database = await createBenchDatabase();
  const handle = database.handle;
  const keys = `b:${randomBytes(32).toString("base64")}`;
  process.env.DISPATCH_ENCRYPTION_KEYS = keys;
  const claudeApi = await startAnthropicApi();
  const geminiApi = await startGeminiApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = claudeApi.url;
  process.env.DISPATCH_MODEL_API_GEMINI = geminiApi.url;
  const workRoot = await fs.mkdtemp(path.join(os.tmpdir(), "dispatch-bench-ask-"));
  const queue = new MemorySessionQueue();
  // Its own installation label: the workers' container sweep leaves other runs' containers (a test suite's) alone.
  const sandbox = new DockerSandbox(docker, `bench-ask-${randomBytes(3).toString("hex")}`);
  const keyRing = parseKeyRing(keys);
  const worker = (id: string) =>
    startWorker({ db: handle.db, events: new MemoryLiveBus(), cancel: new MemoryCancelSignal(), source: { memory: queue }, workerId: id, sandbox, reconcile: false, graceMs: 60_000, runner: { workRoot, keyRing } });
  let current: Awaited<ReturnType<typeof worker>> | null = null;
  try {
    const { db, ws, ctx, project } = await database.seed();
    const catalog = await loadCatalog(db, ws.id);
    for (const cli of ["claude", "gemini"] as const) {
      const provider = catalog.find((p) => p.slug === cli);
      if (!provider) throw new BenchFailure(`the seed has no ${cli} provider`);
      await upsertAgentConfig(db, { workspaceId: ws.id, providerId: provider.id, patch: { maxConcurrentSessions: 5 } });
      await connectForTest(db, { workspaceId: ws.id, kind: cli, sealed: seal(keyRing, "bench-access-token") });
    }
    current = await worker("bench-a");
    const results: Record<string, number[]> = {};
    const add = (k: string, v: number) => (results[k] ??= []).push(v);
    for (let i = 0; i < RUNS; i++) {
      for (const cli of ["claude", "gemini"] as const) {
        for (const mode of ["kept", "parked"] as const) {
          const issue = await createIssue(db, ctx, project, { title: `Bench ${i} ${cli} ${mode}` });
          const { sessions } = await addComment(db, ctx, issue, { text: `@${cli} [script:ask] bench` }, { queue });
          const id = sessions[0]!.id;
          const requestId = await openRequestId(db, id);
          if (mode === "kept") add(`${cli} kept: waiting container memory (MiB)`, await containerMemoryMiB(docker, id));
          else {
            const stopped = Date.now();
            await current.stop();
            add(`${cli} parked: worker stop → parked (ms)`, Date.now() - stopped);
            current = await worker(`bench-${randomBytes(2).toString("hex")}`);
          }
          const before = await getSession(db, { workspaceId: ws.id, id });
          if (before?.status !== "awaiting_input") throw new BenchFailure(`${cli} ${mode}: the session stopped waiting before the answer (${before?.status}: ${before?.errorMessage})`);
          const answered = Date.now();
          await answerRequest(db, ctx, { sessionId: id, requestId, input: { choices: ["Redis"] } }, { queue });
          const done = await waitFor(`${cli} ${mode} session to complete`, () => getSession(db, { workspaceId: ws.id, id }), (s) => s?.status === "completed" || s?.status === "failed");
          if (done?.status !== "completed" || !done.answer?.includes("Redis")) throw new BenchFailure(`${cli} ${mode}: the session ended ${done?.status} without the answer (${done?.answer ?? done?.errorMessage})`);
          add(`${cli} ${mode}: answer → completed (ms)`, Date.now() - answered);
        }
      }
    }
    console.log(`questions mid-run, ${RUNS} rounds each — p50 / p95 / max`);
    for (const [k, v] of Object.entries(results)) {
      if (v.length !== RUNS) throw new BenchFailure(`${k}: ${v.length} samples of ${RUNS}`);
      console.log(`  ${k.padEnd(48)} ${spread(v, k.includes("MiB") ? 1 : 0)}`);
    }
  } finally {
    await current?.stop().catch(() => undefined);
    await claudeApi.close();
    await geminiApi.close();
    await dropOrWarn(database);
    await fs.rm(workRoot, { recursive: true, force: true });
  }
}

async function openRequestId(db: Db, sessionId: string): Promise<string> {
  const r = await waitFor(
    "the agent's question",
    async () => (await db.execute(sqlOpen(sessionId))) as unknown as { rows: { id: string }[] },
    (x) => x.rows.length > 0,
  );
  const id = r.rows[0]!.id;
  if (!(await getRequest(db, { sessionId, id }))) throw new BenchFailure("the question vanished");
  return id;
}

const sqlOpen = (sessionId: string) => pgSql`select r.id from agent_session_requests r join agent_sessions s on s.id = r.session_id where r.session_id = ${sessionId} and r.status = 'open' and s.status = 'awaiting_input'`;

/** The waiting container's memory: cgroup usage less inactive file pages, as `docker stats` counts it. */
async function containerMemoryMiB(docker: Docker, sessionId: string): Promise<number> {
  const [c] = await docker.listContainers({ filters: { label: [`${SESSION_LABEL}=${sessionId}`] } });
  if (!c) throw new BenchFailure("the waiting session has no running container");
  // Settled: a second after the question, the CLI is idle on its open call.
  await new Promise((r) => setTimeout(r, 1_000));
  const stats = (await docker.getContainer(c.Id).stats({ stream: false })) as { memory_stats?: { usage?: number; stats?: Record<string, number> } };
  const usage = stats.memory_stats?.usage;
  if (!usage) throw new BenchFailure("the engine reported no memory usage for the container (cgroup memory accounting off?)");
  const inactive = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  return (usage - inactive) / 1024 / 1024;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof BenchFailure ? `bench:questions cannot measure: ${err.message}` : err);
    process.exit(1);
  },
);

// npm run bench – from a mention to the agent's first event, step by step, against the floor Docker
// and the CLI set. For Claude Code and Gemini CLI, BENCH_RUNS rounds each (default 20), alternating
// in every round: a worker run, then a floor container running `true`, then one running the CLI's
// `--version` — both created by the worker's own DockerSandbox from the same spec (image, mounts,
// environment, hardening), only the entrypoint differs. p50 / p95 / p99 (nearest rank) of:
//   queued → claimed → docker create call → created → start call (attach) → started → first stdout
//   byte → first stdout line → event stored → event in Redis → event at a live reader
// The live reader is a RedisLiveHub, the one reader each web process feeds its SSE clients from
// (in this process); the SSE client is a plain HTTP connection to the /live route of a `next start`
// on the same database and Redis (built first when stale), subscribed to the bench's issue.
// The model APIs are the scripted stand-ins, answering at once.
// "Queued" is the session's last `queued` status event as stored (it holds a slot, its job follows).
// Needs PostgreSQL and Redis on loopback, a Docker engine and the agent images (npm run images).
// Exits non-zero, saying why, when it cannot measure.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import type { Db } from "../db/client";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { encode } from "next-auth/jwt";

/** Rows of a raw query (both drivers answer with `rows`). */
const rows = async <T>(db: Db, q: ReturnType<typeof sql>): Promise<T[]> => ((await db.execute(q)) as unknown as { rows: T[] }).rows;
import { loadCatalog, upsertAgentConfig } from "../db/queries/agents";
import { MemoryCancelSignal } from "../lib/bus/cancel-signal";
import { RedisLiveHub } from "../lib/bus/live-hub";
import { RedisLiveBus } from "../lib/bus/session-events";
import { addComment } from "../lib/comments/service";
import { parseKeyRing, seal } from "../lib/crypto/token-box";
import { createIssue } from "../lib/issues/service";
import type { LiveEntry } from "../lib/live/entries";
import { BullSessionQueue } from "../lib/queue/session-queue";
import { startAnthropicApi } from "../tests/support/anthropic-api";
import { connectForTest } from "../tests/support/connections";
import { startGeminiApi } from "../tests/support/gemini-api";
import { readSseFrames } from "../tests/support/sse-frames";
import { SESSION_COOKIE } from "../tests/e2e/support/api-client";
import type { startNext } from "../tests/e2e/support/server";
import { cliAdapters, PROXY_CREDENTIAL } from "../workers/cli";
import { DockerSandbox } from "../workers/sandbox/docker-sandbox";
import type { SandboxSpec, SandboxTimingHook } from "../workers/sandbox/types";
import { startWorker } from "../workers/worker";
import { createBenchDatabase, dropOrWarn } from "./support/bench-database";
import { startBenchWeb } from "./support/bench-web";
import { quantile } from "./support/stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SESSION_DEADLINE_MS = 120_000;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const LIMITS = { memoryMb: 2048, cpus: 1, pids: 512 };
const now = () => performance.timeOrigin + performance.now();

type Cli = "claude" | "gemini";
/** How each image prints its CLI's version (the floor of "started → first stdout byte"). */
const VERSION: Record<Cli, string[]> = {
  claude: ["/opt/agent/bin/claude", "--version"],
  gemini: ["node", "/opt/agent/node_modules/@google/gemini-cli/bundle/gemini.js", "--version"],
};
const MENTION: Record<Cli, string> = { claude: "@claude", gemini: "@gemini" };

type Step = Parameters<SandboxTimingHook>[1];
type Marks = Partial<Record<Step, number>>;

class BenchFailure extends Error {}

/** One row of the table: worker samples and, where there is one, the floor's. */
type Row = { label: string; worker: number[]; floor?: number[]; floorLabel?: string };

async function main() {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new BenchFailure(`BENCH_RUNS must be a whole number ≥ 1 (got ${process.env.BENCH_RUNS})`);
  const docker = new Docker();
  await docker.ping().catch((err: unknown) => {
    throw new BenchFailure(`no Docker engine answers (${(err as Error).message}): start one, see /work/shared/docker.md or README`);
  });

  const marks = new Map<string, Marks>();
  const mark: SandboxTimingHook = (id, step, at) => {
    const m = marks.get(id) ?? {};
    m[step] ??= at;
    marks.set(id, m);
  };
  const sandbox = new DockerSandbox(docker, `bench-${randomBytes(3).toString("hex")}`, undefined, mark);
  // The same driver for the floors, under another installation label: the worker's container sweep never sees them.
  const floorSandbox = new DockerSandbox(docker, `bench-floor-${randomBytes(3).toString("hex")}`, undefined, mark);

  const database = await createBenchDatabase();
  process.env.BULLMQ_PREFIX = `bench-${randomBytes(3).toString("hex")}`;
  const keys = `b:${randomBytes(32).toString("base64")}`;
  process.env.DISPATCH_ENCRYPTION_KEYS = keys;
  const claudeApi = await startAnthropicApi();
  const geminiApi = await startGeminiApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = claudeApi.url;
  process.env.DISPATCH_MODEL_API_GEMINI = geminiApi.url;
  const stream = `bench-live-${randomBytes(3).toString("hex")}`;
  const queue = new BullSessionQueue(redisUrl);
  const events = new RedisLiveBus(redisUrl, stream);
  const hub = new RedisLiveHub(redisUrl, stream, 1_000);
  const redis = new Redis(redisUrl);
  const floorDir = await fs.mkdtemp(path.join(os.tmpdir(), "dispatch-bench-floor-"));
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  let web: Awaited<ReturnType<typeof startNext>> | null = null;
  let sse: SseClient | null = null;
  try {
    const { db, ws, ctx, user, project } = await database.seed();
    const issue = await createIssue(db, ctx, project, { title: "Bench" });
    // The web process every browser would read from, on the same database, Redis and live stream.
    const started = await startBenchWeb({ databaseUrl: database.url, redisUrl, dataDir: path.join(floorDir, "web"), env: { DISPATCH_LIVE_STREAM: stream } });
    web = started.server;
    const secret = started.secret;
    const cookie = `${SESSION_COOKIE}=${await encode({ token: { uid: user.id, sub: user.id }, secret })}`;
    sse = await openSse(`${web.url}/api/workspaces/${ws.slug}/live?issue=${issue.id}`, cookie);
    const sealed = seal(parseKeyRing(keys), "bench-access-token");
    const catalog = await loadCatalog(db, ws.id);
    const images = {} as Record<Cli, string>;
    for (const cli of ["claude", "gemini"] as const) {
      const provider = catalog.find((p) => p.slug === cli);
      if (!provider) throw new BenchFailure(`the seed has no ${cli} provider`);
      // BENCH_IMAGE_TAG compares an image build (e.g. before/after a change) under the same code.
      images[cli] = process.env.BENCH_IMAGE_TAG ? provider.image.replace(/:[^:/]+$/, "") + `:${process.env.BENCH_IMAGE_TAG}` : provider.image;
      if (images[cli] !== provider.image) await db.execute(sql`update agent_providers set image = ${images[cli]} where id = ${provider.id}`);
      if (!(await sandbox.imageExists(provider.image))) throw new BenchFailure(`the agent image ${provider.image} is missing: build it with npm run images`);
      await upsertAgentConfig(db, { workspaceId: ws.id, providerId: provider.id, patch: { maxConcurrentSessions: 100 } });
      await connectForTest(db, { workspaceId: ws.id, kind: cli, sealed });
    }

    // Every entry of the bench's live stream, as a web process's reader receives it.
    const arrivals = new Map<string, { seqs: number[]; at: number }[]>();
    const done = new Map<string, () => void>();
    hub.subscribe(`workspace:${ws.id}`, (e: LiveEntry) => {
      if (e.kind !== "session") return;
      const list = arrivals.get(e.sessionId) ?? [];
      list.push({ seqs: e.events.map((x) => x.seq), at: now() });
      arrivals.set(e.sessionId, list);
      if (e.events.some((x) => x.type === "done")) done.get(e.sessionId)?.();
    });
    await hub.ready();

    worker = await startWorker({ db, events, cancel: new MemoryCancelSignal(), source: { redisUrl }, concurrency: 1, sandbox, reconcile: false, runner: { limits: LIMITS } });

    const tables: { cli: Cli; rows: Row[] }[] = [];
    for (const cli of ["claude", "gemini"] as const) {
      const floorSpec = (id: string, entrypoint: string[]): SandboxSpec => ({
        sessionId: id,
        workerId: worker!.workerId,
        image: images[cli],
        workDir: path.join(floorDir, "work"),
        runDir: path.join(floorDir, "run"),
        homeDir: path.join(floorDir, "home"),
        env: cliAdapters[cli]!.containerEnv({ model: "bench", token: PROXY_CREDENTIAL, resume: null }),
        limits: LIMITS,
        network: "none",
        entrypoint,
      });
      for (const d of ["work", "run", "home"]) await fs.mkdir(path.join(floorDir, d), { recursive: true });
      await fs.chown(path.join(floorDir, "work"), 1000, 1000).catch(() => undefined);
      await fs.chown(path.join(floorDir, "home"), 1000, 1000).catch(() => undefined);

      const run = async (i: number) => {
        const t0 = now();
        const { sessions } = await addComment(db, ctx, issue, { text: `${MENTION[cli]} [script:plain] bench ${i}` }, { queue });
        const commentedAt = now();
        const id = sessions[0]!.id;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new BenchFailure(`${cli} session ${i} did not finish within ${SESSION_DEADLINE_MS / 1000} s`)), SESSION_DEADLINE_MS);
          done.set(id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        done.delete(id);
        const [row] = await rows<{ status: string; error_message: string | null }>(db, sql`select status, error_message from agent_sessions where id = ${id}`);
        if (row?.status !== "completed") throw new BenchFailure(`${cli} session ${i} ended ${row?.status}: ${row?.error_message ?? ""}`);
        const stored = await rows<{ seq: number; type: string; status: string | null; at: string }>(
          db,
          sql`select seq, type, payload->>'status' as status, extract(epoch from created_at) * 1000 as at from agent_session_events where session_id = ${id} order by seq`,
        );
        // Queued: the session holds a slot and its job is on its way (the last `queued` event, "waiting for a worker").
        const queued = stored.filter((e) => e.status === "queued").at(-1);
        const claim = stored.find((e) => e.status === "provisioning");
        // The first event the CLI's output caused: its start line becomes the `streaming` status.
        const first = stored.find((e) => e.status === "streaming");
        const text = stored.find((e) => e.type === "text");
        if (!queued || !claim || !first || !text) throw new BenchFailure(`${cli} session ${i}: events missing (${stored.map((e) => e.status ?? e.type).join(", ")})`);
        const inRedis = async (seq: number) => {
          const entries = (await redis.xrange(stream, "-", "+")) as [string, string[]][];
          const hit = entries.find(([, f]) => {
            const e = JSON.parse(f[1]!) as LiveEntry;
            return e.kind === "session" && e.sessionId === id && e.events.some((x) => x.seq === seq);
          });
          if (!hit) throw new BenchFailure(`${cli} session ${i}: event ${seq} never reached Redis`);
          return Number(hit[0].split("-")[0]);
        };
        const atClient = (seq: number) => {
          const hit = arrivals.get(id)?.find((a) => a.seqs.includes(seq));
          if (!hit) throw new BenchFailure(`${cli} session ${i}: event ${seq} never reached the live reader`);
          return hit.at;
        };
        // The SSE frames may trail the hub's delivery by a moment: wait for them (a missing one fails the run).
        const atSse = async (seq: number) => {
          for (let t = 0; t < 100 && sse!.at(id, seq) === undefined; t++) await new Promise((r) => setTimeout(r, 50));
          const at = sse!.at(id, seq);
          if (at === undefined) throw new BenchFailure(`${cli} session ${i}: event ${seq} never reached the SSE client${sse!.closed() ? ` (${sse!.closed()})` : ""}`);
          return at;
        };
        const m = marks.get(id) ?? {};
        for (const step of ["create", "created", "start", "started", "firstByte", "firstLine"] as const) {
          if (m[step] === undefined) throw new BenchFailure(`${cli} session ${i}: the sandbox never reported "${step}"`);
        }
        return {
          t0,
          commentedAt,
          queuedAt: Number(queued.at),
          claimAt: Number(claim.at),
          ...(m as Required<Marks>),
          storedAt: Number(first.at),
          redisAt: await inRedis(first.seq),
          clientAt: atClient(first.seq),
          sseAt: await atSse(first.seq),
          textAtSse: await atSse(text.seq),
        };
      };

      const floor = async (entrypoint: string[]) => {
        const id = `floor-${randomBytes(6).toString("hex")}`;
        const h = await floorSandbox.start(floorSpec(id, entrypoint));
        let out = "";
        for await (const l of h.lines()) if (l.stream === "stdout") out += l.line;
        const exit = await h.wait();
        const exitedAt = now();
        await h.remove();
        if (exit.exitCode !== 0) throw new BenchFailure(`floor container ${entrypoint.join(" ")} in ${images[cli]} exited ${exit.exitCode}`);
        const m = marks.get(id) ?? {};
        const needed = entrypoint[0] === "true" ? (["create", "created", "start", "started"] as const) : (["create", "created", "start", "started", "firstByte"] as const);
        for (const step of needed) if (m[step] === undefined) throw new BenchFailure(`floor ${entrypoint.join(" ")} in ${images[cli]}: the sandbox never reported "${step}" (output: ${out.slice(0, 200) || "none"})`);
        return { ...(m as Required<Marks>), exitedAt, out };
      };

      const W: Awaited<ReturnType<typeof run>>[] = [];
      const T: Awaited<ReturnType<typeof floor>>[] = [];
      const V: Awaited<ReturnType<typeof floor>>[] = [];
      // One round not counted: the first container of an image pays for loading its files.
      await run(-1);
      await floor(["true"]);
      const version = await floor(VERSION[cli]);
      if (!version.firstByte) throw new BenchFailure(`${VERSION[cli].join(" ")} printed nothing in ${images[cli]}`);
      for (let i = 0; i < RUNS; i++) {
        W.push(await run(i));
        T.push(await floor(["true"]));
        V.push(await floor(VERSION[cli]));
        process.stderr.write(`\r${cli}: ${i + 1}/${RUNS} rounds`);
      }
      process.stderr.write("\n");
      const d = <X>(xs: X[], f: (x: X) => number) => xs.map(f);
      tables.push({
        cli,
        rows: [
          { label: "queued → claimed (job picked up, claim committed)", worker: d(W, (w) => w.claimAt - w.queuedAt) },
          { label: "claimed → docker create call", worker: d(W, (w) => w.create - w.claimAt) },
          { label: "create", worker: d(W, (w) => w.created - w.create), floor: d(T, (t) => t.created - t.create) },
          { label: "created → start call (attach)", worker: d(W, (w) => w.start - w.created), floor: d(T, (t) => t.start - t.created) },
          { label: "start", worker: d(W, (w) => w.started - w.start), floor: d(T, (t) => t.started - t.start) },
          { label: "started → first stdout byte", worker: d(W, (w) => w.firstByte - w.started), floor: d(V, (v) => v.firstByte - v.started), floorLabel: "--version" },
          { label: "first byte → first stdout line", worker: d(W, (w) => w.firstLine - w.firstByte) },
          { label: "first line → event stored", worker: d(W, (w) => w.storedAt - w.firstLine) },
          { label: "event stored → in Redis", worker: d(W, (w) => w.redisAt - w.storedAt) },
          { label: "in Redis → at the live reader (in-process)", worker: d(W, (w) => w.clientAt - w.redisAt) },
          { label: "in Redis → at the SSE client (HTTP)", worker: d(W, (w) => w.sseAt - w.redisAt) },
          {
            label: "QUEUED → FIRST AGENT EVENT at the SSE client",
            worker: d(W, (w) => w.sseAt - w.queuedAt),
            floor: d(V, (v) => v.firstByte - v.create),
            floorLabel: "create → --version's 1st byte",
          },
          { label: "queued → first model text at the SSE client", worker: d(W, (w) => w.textAtSse - w.queuedAt) },
          { label: "(comment posted: addComment call → return)", worker: d(W, (w) => w.commentedAt - w.t0) },
          { label: "(floor: create + start + `true` exits)", worker: d(T, (t) => t.exitedAt - t.create) },
        ],
      });
    }
    print(tables);
    // BENCH_SAMPLES_OUT=file: the raw samples, so runs made in turns (before / after a change) can be pooled.
    if (process.env.BENCH_SAMPLES_OUT) await fs.writeFile(process.env.BENCH_SAMPLES_OUT, JSON.stringify(tables));
  } finally {
    sse?.close();
    await web?.stop().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    hub.close();
    await queue.destroy().catch(() => undefined);
    await redis.del(stream).catch(() => undefined);
    await events.close();
    redis.disconnect();
    await claudeApi.close();
    await geminiApi.close();
    await fs.rm(floorDir, { recursive: true, force: true }).catch(() => undefined);
    await dropOrWarn(database);
  }
}

type SseClient = { at: (sessionId: string, seq: number) => number | undefined; closed: () => string | null; close: () => void };

/** One Server-Sent Events connection to the /live route: when each session event arrived (resolves at its `ready` frame). */
async function openSse(url: string, cookie: string): Promise<SseClient> {
  const seen = new Map<string, number>();
  let closed: string | null = null;
  const abort = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal }).catch((err: Error) => {
    throw new BenchFailure(`the SSE client could not connect: ${err.message}`);
  });
  if (res.status !== 200 || !res.body) throw new BenchFailure(`GET ${new URL(url).pathname} answered ${res.status}`);
  const client: SseClient = { at: (id, seq) => seen.get(`${id}/${seq}`), closed: () => closed, close: () => abort.abort() };
  return new Promise((resolve, reject) => {
    void readSseFrames(res.body!, (frame) => {
      if (frame.event === "ready") resolve(client);
      if (frame.event !== "session") return;
      const f = JSON.parse(frame.data) as { sessionId: string; event: { seq: number } };
      if (!seen.has(`${f.sessionId}/${f.event.seq}`)) seen.set(`${f.sessionId}/${f.event.seq}`, now());
    }).then(() => {
      closed ??= "the server closed the stream";
      reject(new BenchFailure("the SSE stream closed before its ready frame"));
    });
  });
}

function print(tables: { cli: Cli; rows: Row[] }[], runs = RUNS) {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–").padStart(6);
  const pcts = (xs: number[] | undefined) => (xs ? [0.5, 0.95, 0.99].map((q) => f(quantile(xs, q))).join("") : " ".repeat(18));
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(`\nworker latency, ${runs} alternating rounds per CLI, ms (p50 p95 p99, nearest rank); load average now ${load} on ${os.cpus().length} cores`);
  console.log("live reader: a RedisLiveHub in this process (what each web process feeds its SSE clients from); SSE client: HTTP to next start's /live route");
  for (const { cli, rows } of tables) {
    console.log(`\n${cli.padEnd(44)}    worker p50/p95/p99        floor p50/p95/p99   ratio p50  p99`);
    for (const r of rows) {
      const ratio = r.floor ? `${(quantile(r.worker, 0.5) / quantile(r.floor, 0.5)).toFixed(2).padStart(9)}${(quantile(r.worker, 0.99) / quantile(r.floor, 0.99)).toFixed(2).padStart(6)}` : "";
      console.log(`  ${r.label.padEnd(44)}${pcts(r.worker)}      ${pcts(r.floor)}${ratio}${r.floorLabel ? `   (floor: ${r.floorLabel})` : ""}`);
    }
  }
  console.log("\nfloors: DockerSandbox.start with the worker's spec (image, mounts, env, hardening), entrypoint `true` or the CLI's --version; rounds alternate worker, true, --version.");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nworker-latency bench FAILED: ${err instanceof BenchFailure ? err.message : (err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);

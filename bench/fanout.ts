// npm run bench:fanout – what live streaming costs the web process as streams and watched sessions
// grow (issue 12 §6). One `next start` on a fresh PostgreSQL database and Redis; separate client
// processes hold the SSE connections of the multiplexed route (`/live?issue=<id>`, plain HTTP with
// the session cookie); this process acts as the worker (appendSessionEvents, then RedisLiveBus.publish)
// at a steady rate, each event's text stamped with the time (CLOCK_MONOTONIC, shared by every process
// of the machine). Printed side by side with the bare Redis floor: the client tails a second stream
// that this process XADDs to at the same rate, at the same time.
//   publish → client latency at 100 and 1,000 open streams (one per issue, each issue one session)
//   the same with 1,000 idle watched sessions vs 10 (events go to 10 other sessions)
//   extra server RSS per idle stream at 1,000 and 10,000 connections; DB transactions per connect
//   a new subscription's first live event (published right after its `ready` frame)
//   the server's event-loop lag (monitorEventLoopDelay, logged each second: DISPATCH_LOOP_LAG_LOG=1)
// Figures, not checks: it fails (exit 1) only when it cannot measure (a refused or dropped
// connection, an event that never arrives, a client process dying). Builds the app if it is stale.
// BENCH_RATE (events/s, 200), BENCH_SECONDS (per phase, 10), BENCH_IDLE (10000) change the load;
// BENCH_ONLY=memory runs the idle-stream phase alone; BENCH_HEAP_SNAPSHOTS=<folder> has the server
// write a heap snapshot before and after opening the first 1,000 idle streams (memory figures then skew).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import type { Db } from "../db/client";
import { loadCatalog, upsertAgentConfig } from "../db/queries/agents";
import { appendSessionEvents } from "../db/queries/session-events";
import { RedisLiveBus } from "../lib/bus/session-events";
import { transitionSession } from "../lib/sessions/transitions";
import { SESSION_COOKIE, signUpAndIn, uniqueEmail, type ApiClient } from "../tests/e2e/support/api-client";
import type { startNext } from "../tests/e2e/support/server";
import { beatAsWorker } from "../tests/support/worker-beat";
import { startBenchWeb } from "./support/bench-web";
import { createBenchDatabase } from "./support/bench-database";
import { deleteKeysMatching } from "./support/redis-keys";
import { benchText, hrMs, type ClientCommand, type ClientReply } from "./support/fanout-protocol";
import { max, processTree, quantile } from "./support/stats";
import { connectForTest } from "../tests/support/connections";

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const IDLE = Number(process.env.BENCH_IDLE ?? 10_000);
const ONLY_MEMORY = process.env.BENCH_ONLY === "memory";
const SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS ? path.resolve(process.env.BENCH_HEAP_SNAPSHOTS) : null;
const STREAMS = 1000; // the latency phases' largest count; 10 more sessions receive the events of the idle comparison
const POOL = ONLY_MEMORY ? 20 : STREAMS + 10;
/** Idle streams of the first memory step (fewer with heap snapshots: writing one of a big heap takes minutes). */
const FIRST = SNAPSHOTS ? 300 : 1000;
const PROBES = 20;
const root = path.resolve(import.meta.dirname, "..");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOFILE = 65_536;

type Command = ClientCommand extends infer C ? (C extends unknown ? Omit<C, "id"> : never) : never;
type Target = { id: string; issueId: string; workspaceId: string };
type Row = [label: string, ...values: string[]];

/** Work `n` items with at most `limit` at once. */
async function pooled<T>(n: number, limit: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await f(i);
      }
    }),
  );
  return out;
}

/** Raises a process's open-file limit (the machine's default would stop at a few thousand sockets). */
function raiseNofile(pid: number) {
  const r = spawnSync("prlimit", [`--pid=${pid}`, `--nofile=${NOFILE}:${NOFILE}`], { encoding: "utf8" });
  const got = spawnSync("prlimit", [`--pid=${pid}`, "--nofile", "--output=SOFT", "--noheadings"], { encoding: "utf8" });
  const soft = Number(got.stdout.trim());
  if (!(soft >= IDLE + 1000)) throw new Error(`cannot raise the open-file limit of pid ${pid} (now ${got.stdout.trim() || "unknown"}; prlimit: ${r.stderr.trim() || r.status}). Run as root or raise ulimit -n to ${NOFILE} first.`);
}

/** A client process (bench/support/fanout-client.ts) and its IPC; its death fails the bench. */
class Client {
  private nextId = 1;
  private readonly waiting = new Map<number, (m: ClientReply) => void>();
  private stopping = false;
  died: string | null = null;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on("message", (m: ClientReply) => this.waiting.get(m.id)?.(m));
    child.on("exit", (code, signal) => {
      if (this.stopping) return;
      this.died = `client process ${name} died (${code ?? signal})`;
      console.error(`\n[bench] ${this.died}`);
      for (const w of this.waiting.values()) w({ op: "error", id: 0, error: this.died });
    });
  }

  static async start(name: string, base: string, cookie: string): Promise<Client> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "support/fanout-client.ts")], {
      cwd: root,
      env: { ...process.env, FANOUT_BASE: base, FANOUT_COOKIE: cookie },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    raiseNofile(child.pid!);
    return new Client(name, child);
  }

  /** Sends a command; `until` picks the reply that ends it (others go to `each`). */
  request(cmd: Command, until: (m: ClientReply) => boolean = () => true, each?: (m: ClientReply) => void): Promise<ClientReply> {
    if (this.died) return Promise.reject(new Error(this.died));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => {
        if (m.op === "error") {
          this.waiting.delete(id);
          return reject(new Error(`${this.name}: ${m.error}`));
        }
        if (!until(m)) return each?.(m);
        this.waiting.delete(id);
        resolve(m);
      });
      this.child.send({ ...cmd, id } as ClientCommand);
    });
  }

  /** Opens SSE connections; every one must reach its `ready` frame. */
  async open(group: string, paths: string[], concurrency = 32) {
    const r = (await this.request({ op: "open", group, paths, concurrency })) as Extract<ClientReply, { op: "opened" }>;
    if (r.failures.length) throw new Error(`${this.name}: ${r.failures.length} of ${paths.length} connections (${group}) failed:\n  ${r.failures.join("\n  ")}`);
    return r;
  }

  async close(group: string) {
    await this.request({ op: "close", group });
  }

  async collect() {
    return (await this.request({ op: "collect" })) as Extract<ClientReply, { op: "collected" }>;
  }

  async stop() {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.send({ op: "stop", id: 0 });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }
}

type Bench = {
  db: Db;
  bus: RedisLiveBus;
  floorRedis: Redis;
  floorStream: string;
  slug: string;
  a: Client;
  serverPid: number;
  serverOutput: () => string;
  nextTag: number;
};

const livePath = (b: Bench, t: Target) => `/api/workspaces/${b.slug}/live?issue=${t.issueId}`;

/** As the worker does: the event goes to the event table, then onto the live stream. */
async function publishOne(b: Bench, t: Target, tag: number) {
  const stamp = hrMs();
  const stored = await appendSessionEvents(b.db, t.id, [{ type: "text", text: benchText(tag, stamp) }]);
  if (!stored) throw new Error(`session ${t.id} took no event (ended?)`);
  const pub = hrMs();
  await b.bus.publish([{ kind: "session", workspaceId: t.workspaceId, issueId: t.issueId, sessionId: t.id, events: stored.events }]);
  return { stamp, pub };
}

type LagWindow = { t: number; p50: number; p99: number; max: number; rss: number; heap: number };
function loopLag(b: Bench, from: number, to: number): LagWindow[] {
  const out: LagWindow[] = [];
  for (const m of b.serverOutput().matchAll(/\[loop-lag\] t=(\d+) p50=([\d.]+) p99=([\d.]+) max=([\d.]+) rss=([\d.]+) heap=([\d.]+)/g)) {
    const w = { t: Number(m[1]), p50: Number(m[2]), p99: Number(m[3]), max: Number(m[4]), rss: Number(m[5]), heap: Number(m[6]) };
    if (w.t > from + 1000 && w.t <= to + 1000) out.push(w); // each line covers the second before it
  }
  return out;
}
const lagFigure = (ws: LagWindow[]) => (ws.length ? `${quantile(ws.map((w) => w.p99), 0.5).toFixed(1)} / ${max(ws.map((w) => w.p99)).toFixed(1)}` : "–");

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const p5099 = (xs: number[]) => `${f1(quantile(xs, 0.5))} / ${f1(quantile(xs, 0.99))}`;

/**
 * RATE events/s round-robin over `targets` for SECONDS (and as many XADDs to the floor stream),
 * then waits for every event to reach the client. Each target has exactly one open stream.
 */
async function measure(b: Bench, label: string, streams: number, targets: Target[]): Promise<{ row: Row; failures: string[] }> {
  await b.a.collect(); // drop leftovers
  const total = Math.round(RATE * SECONDS);
  const sent = new Map<number, { stamp: number; pub: number }>();
  const chains = new Map<string, Promise<void>>();
  const inflight: Promise<void>[] = [];
  const cpu0 = processTree(b.serverPid).cpuS;
  const t0 = hrMs() + 20;
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - hrMs();
    if (wait > 1) await sleep(wait);
    const t = targets[i % targets.length]!;
    const tag = b.nextTag++;
    inflight.push(b.floorRedis.xadd(b.floorStream, "MAXLEN", "~", 10_000, "*", "t", hrMs().toFixed(3)).then(() => undefined));
    const p = (chains.get(t.id) ?? Promise.resolve()).then(async () => void sent.set(tag, await publishOne(b, t, tag)));
    chains.set(t.id, p);
    inflight.push(p);
  }
  await Promise.all(inflight);
  const t1 = hrMs();
  const arrivals: number[] = [];
  const floor: number[] = [];
  const dropped: string[] = [];
  for (const deadline = hrMs() + 10_000; ; ) {
    const c = await b.a.collect();
    arrivals.push(...c.arrivals);
    floor.push(...c.floor);
    dropped.push(...c.dropped);
    if ((arrivals.length / 3 >= total && floor.length >= total) || hrMs() > deadline) break;
    await sleep(250);
  }
  const cpu = processTree(b.serverPid).cpuS - cpu0;
  const lag = loopLag(b, t0, t1);

  const failures: string[] = [];
  const pubLat: number[] = [];
  const e2e: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < arrivals.length; i += 3) {
    const tag = arrivals[i]!;
    const s = sent.get(tag);
    if (!s) continue; // an event of another phase
    if (seen.has(tag)) failures.push(`${label}: event ${tag} arrived twice`);
    seen.add(tag);
    pubLat.push(arrivals[i + 1]! - s.pub);
    e2e.push(arrivals[i + 1]! - arrivals[i + 2]!);
  }
  if (seen.size === 0) failures.push(`${label}: no event reached the client`);
  else if (seen.size < total) failures.push(`${label}: ${total - seen.size} of ${total} events never reached the client (10 s after the last publish)`);
  if (floor.length < total) failures.push(`${label}: ${total - floor.length} of ${total} floor entries never reached the client`);
  if (dropped.length) failures.push(`${label}: the server closed ${dropped.length} streams: ${dropped.slice(0, 3).join("; ")}`);
  const pubs = [...sent.values()].map((s) => s.pub);
  const rate = total / ((max(pubs) - Math.min(...pubs)) / 1000);
  return {
    row: [label, String(streams), rate.toFixed(0), p5099(pubLat), f1(max(pubLat)), p5099(e2e), p5099(floor), lagFigure(lag), ((cpu * 1e6) / total).toFixed(0)],
    failures,
  };
}

/** Median RSS (MB) of the server over a few samples, after letting it settle. */
async function serverRss(b: Bench, settleMs = 3000) {
  await sleep(settleMs);
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(processTree(b.serverPid).rssMb);
    await sleep(300);
  }
  return quantile(xs, 0.5);
}

/** With BENCH_HEAP_SNAPSHOTS: the server writes a heap snapshot (SIGUSR2); waits until the file is complete. */
async function snapshot(pid: number, label: string) {
  if (!SNAPSHOTS) return;
  fs.mkdirSync(SNAPSHOTS, { recursive: true });
  const before = new Set(fs.readdirSync(SNAPSHOTS));
  process.kill(pid, "SIGUSR2");
  for (let size = -1, deadline = hrMs() + 600_000; hrMs() < deadline; await sleep(1000)) {
    const file = fs.readdirSync(SNAPSHOTS).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    if (!file) continue;
    const now = fs.statSync(path.join(SNAPSHOTS, file)).size;
    if (now > 0 && now === size) return void fs.renameSync(path.join(SNAPSHOTS, file), path.join(SNAPSHOTS, `streams-${label}.heapsnapshot`));
    size = now;
  }
  throw new Error(`the server wrote no heap snapshot into ${SNAPSHOTS}`);
}

async function xacts(admin: pg.Client, dbName: string): Promise<number> {
  const r = await admin.query<{ n: string }>("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1", [dbName]);
  return Number(r.rows[0]!.n);
}

async function main() {
  raiseNofile(process.pid); // children inherit it: the server and the client processes

  const tag = randomBytes(4).toString("hex");
  const prefix = `bench-${tag}`; // every Redis key of the run starts with it
  const liveStreamName = `${prefix}:live`;
  const floorStream = `${prefix}:floor`;
  const database = await createBenchDatabase();
  const { handle, admin } = database;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-bench-"));
  const bus = new RedisLiveBus(redisUrl, liveStreamName);
  const redis = new Redis(redisUrl);
  let server: Awaited<ReturnType<typeof startNext>> | undefined;
  let stopBeating = () => {};
  const clients: Client[] = [];
  const failures: string[] = [];
  const rows: Row[] = [];
  const extra: Row[] = [];
  const load: string[] = [];
  try {
    await database.migrate();
    server = (await startBenchWeb({
      databaseUrl: database.url,
      redisUrl,
      dataDir,
      env: {
        DISPATCH_LIVE_STREAM: liveStreamName,
        DISPATCH_LOOP_LAG_LOG: "1",
        BULLMQ_PREFIX: prefix,
        ...(SNAPSHOTS && { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${SNAPSHOTS}`.trim() }),
      },
    })).server;
    // The sessions below are moved by this process as worker "bench": it beats like one.
    stopBeating = beatAsWorker(handle.db, "bench");
    const serverPid = server.process.pid!;
    raiseNofile(serverPid);

    // A workspace with POOL issues, each with one session (an @claude comment), all streaming.
    const { client: api } = await signUpAndIn(server.url, { name: "Bench Lead", email: uniqueEmail("bench"), password: "correct horse battery" });
    const slug = `bench-${randomBytes(3).toString("hex")}`;
    const ws = await api.post("/api/workspaces", { name: "Bench", slug });
    if (ws.status !== 201) throw new Error(`creating the workspace answered ${ws.status}: ${JSON.stringify(ws.body)}`);
    const workspaceId = ws.body.workspace.id as string;
    const project = await api.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" });
    if (project.status !== 201) throw new Error(`creating the project answered ${project.status}: ${JSON.stringify(project.body)}`);
    const claude = (await loadCatalog(handle.db, workspaceId)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(handle.db, { workspaceId, providerId: claude.id, patch: { maxConcurrentSessions: POOL } });
    await connectForTest(handle.db, { workspaceId, kind: claude.slug });
    const setup0 = hrMs();
    const pool = await pooled(POOL, 6, async (i): Promise<Target> => createTarget(api, slug, workspaceId, i));
    await pooled(POOL, 6, async (i) => {
      for (const s of ["provisioning", "running", "streaming"] as const) await transitionSession(handle.db, pool[i]!.id, s, s === "provisioning" ? { workerId: "bench" } : {}, { bus });
    });
    console.log(`[bench] ${POOL} issues with a streaming session each in ${((hrMs() - setup0) / 1000).toFixed(0)} s`);

    const cookie = `${SESSION_COOKIE}=${api.cookie(SESSION_COOKIE)!}`;
    const a = await Client.start("A (measured streams, floor)", server.url, cookie);
    const idle = await Client.start("B (idle streams)", server.url, cookie);
    clients.push(a, idle);
    const floorRedis = new Redis(redisUrl);
    const b: Bench = { db: handle.db, bus, floorRedis, floorStream, slug, a, serverPid, serverOutput: server.output, nextTag: 1 };
    try {
      await a.request({ op: "floor", redisUrl, stream: floorStream });
      load.push(os.loadavg()[0]!.toFixed(1));

      // A new subscription's first live event: the bench publishes as soon as the client saw `ready`.
      const probe = async (t: Target) => {
        let pub = 0;
        let want = -1;
        let connectToReady = NaN;
        const r = await a.request(
          { op: "probe", path: livePath(b, t) },
          (m) => m.op !== "probe-ready",
          (m) => {
            if (m.op !== "probe-ready") return;
            connectToReady = m.connectToReadyMs;
            want = b.nextTag++;
            void publishOne(b, t, want).then(
              (s) => (pub = s.pub),
              (err: unknown) => failures.push(`probe publish: ${err instanceof Error ? err.message : String(err)}`),
            );
          },
        );
        if (r.op !== "probe-event") throw new Error(`probe on ${t.issueId}: ${r.op === "probe-failed" ? r.error : r.op}`);
        if (r.tag !== want) throw new Error(`probe on ${t.issueId}: the first live event was ${r.tag}, not the one published after ready (${want})`);
        for (const until = hrMs() + 5000; !pub && hrMs() < until; ) await sleep(5);
        return { connectToReady, readyToEvent: r.readyToEventMs, publishToEvent: r.at - pub };
      };
      if (ONLY_MEMORY) await a.open("warm", pool.map((t) => livePath(b, t)));
      const cold = ONLY_MEMORY ? null : await probe(pool[POOL - 1]!); // the process's first subscription: the hub starts reading
      // Warm-up (JIT, module caches, DB pool): 50 streams, a second of events, closed again.
      if (!ONLY_MEMORY) await a.open("warm", pool.slice(0, 50).map((t) => livePath(b, t)));
      failures.push(...(await measure(b, "warm-up", 50, pool.slice(0, 50))).failures);
      await a.close("warm");
      const probes: Awaited<ReturnType<typeof probe>>[] = [];
      for (let i = 0; i < (cold ? PROBES : 0); i++) {
        await sleep(Math.random() * 1500); // the hub is somewhere inside its blocking read
        probes.push(await probe(pool[STREAMS + (i % 10)]!));
      }
      if (cold) {
        const pr = (k: "connectToReady" | "readyToEvent" | "publishToEvent") => `${f1(cold[k])} | ${p5099(probes.map((p) => p[k]))} / ${f1(max(probes.map((p) => p[k])))}`;
        extra.push(["new subscription: connect → ready frame (ms)", pr("connectToReady")]);
        extra.push(["  ready frame → first live event at the client (ms)", pr("readyToEvent")]);
        extra.push(["  publish (XADD) → that event at the client (ms)", pr("publishToEvent")]);
      }

      // Memory per idle stream: server RSS before and after opening them (client B holds them).
      const x0 = await xacts(admin, database.name);
      const rss0 = await serverRss(b);
      const heap0 = loopLag(b, hrMs() - 3000, hrMs()).at(-1)?.heap ?? NaN;
      await snapshot(serverPid, "0");
      const c1k = await idle.open("idle-1k", Array.from({ length: FIRST }, (_, i) => livePath(b, pool[i % POOL]!)));
      const rss1 = await serverRss(b, 11_000); // PostgreSQL reports a backend's counters within 10 s
      const x1 = await xacts(admin, database.name);
      const heap1 = loopLag(b, hrMs() - 3000, hrMs()).at(-1)?.heap ?? NaN;
      await snapshot(serverPid, String(FIRST));
      const opened9k0 = hrMs();
      const c9k = await idle.open("idle-9k", Array.from({ length: IDLE - FIRST }, (_, i) => livePath(b, pool[(FIRST + i) % POOL]!)), 64);
      const openSeconds = (hrMs() - opened9k0) / 1000;
      const idleFrom = hrMs();
      const rss2 = await serverRss(b, 5000);
      const heap2 = loopLag(b, hrMs() - 3000, hrMs()).at(-1)?.heap ?? NaN;
      const idleLag = loopLag(b, idleFrom, hrMs() - 1000);
      const leftover = await idle.collect();
      if (leftover.open !== IDLE) failures.push(`idle streams: ${leftover.open} of ${IDLE} still open (${leftover.dropped.slice(0, 3).join("; ")})`);
      const kb = (mb: number, n: number) => ((mb * 1024) / n).toFixed(1);
      extra.push([`server RSS: none / ${FIRST.toLocaleString("en")} / ${IDLE.toLocaleString("en")} idle streams (MB)`, `${rss0.toFixed(0)} / ${rss1.toFixed(0)} / ${rss2.toFixed(0)}`]);
      extra.push([`  extra RSS per idle stream at ${FIRST.toLocaleString("en")} (KB)`, kb(rss1 - rss0, FIRST)]);
      extra.push([`  extra RSS per idle stream at ${IDLE.toLocaleString("en")} (KB; target ≤ 15)`, kb(rss2 - rss0, IDLE)]);
      extra.push([`  JS heap used: none / ${FIRST.toLocaleString("en")} / ${IDLE.toLocaleString("en")} (MB)`, `${f1(heap0)} / ${f1(heap1)} / ${f1(heap2)}`]);
      extra.push([`DB transactions per connect (pg_stat_database, ${FIRST.toLocaleString("en")} connects)`, ((x1 - x0) / FIRST).toFixed(2)]);
      const connectMs = [...c1k.connectMs, ...c9k.connectMs];
      extra.push(["connect → ready under a connect storm: p50 / p99 (ms)", p5099(connectMs)]);
      extra.push([`  ${(IDLE - FIRST).toLocaleString("en")} connects, 64 at a time (per s)`, ((IDLE - FIRST) / openSeconds).toFixed(0)]);
      extra.push([`event-loop lag p99 with ${IDLE.toLocaleString("en")} idle streams (ms, median / worst second)`, lagFigure(idleLag)]);
      await idle.close("idle-1k");
      await idle.close("idle-9k");
      await sleep(2000);
      load.push(os.loadavg()[0]!.toFixed(1));

      if (!ONLY_MEMORY) {
        // Latency at 100 and 1,000 open streams: one per issue, the events spread over their sessions.
        await a.open("g0", pool.slice(0, 10).map((t) => livePath(b, t)));
        await a.open("g1", pool.slice(10, 100).map((t) => livePath(b, t)));
        let m = await measure(b, "100 streams, events over their 100 sessions", 100, pool.slice(0, 100));
        rows.push(m.row);
        failures.push(...m.failures);
        await a.open("g2", pool.slice(100, STREAMS).map((t) => livePath(b, t)));
        m = await measure(b, "1,000 streams, events over their 1,000 sessions", STREAMS, pool.slice(0, STREAMS));
        rows.push(m.row);
        failures.push(...m.failures);
        // Cost per event against the number of idle sessions watched: events go to 10 other sessions.
        const active = pool.slice(STREAMS, POOL);
        await a.open("active", active.map((t) => livePath(b, t)));
        m = await measure(b, "10 busy sessions + 1,000 idle watched", STREAMS + 10, active);
        rows.push(m.row);
        failures.push(...m.failures);
        await a.close("g1");
        await a.close("g2");
        await sleep(2000);
        m = await measure(b, "10 busy sessions + 10 idle watched", 20, active);
        rows.push(m.row);
        failures.push(...m.failures);
        load.push(os.loadavg()[0]!.toFixed(1));
      }
    } finally {
      for (const c of clients) {
        if (c.died) failures.push(c.died);
        await c.stop();
      }
      floorRedis.disconnect();
    }
  } catch (err) {
    console.error("[bench] stopped:", err);
    failures.push(err instanceof Error ? err.message : String(err));
  } finally {
    stopBeating();
    await server?.stop();
    await bus.close();
    await deleteKeysMatching(redis, `${prefix}:*`);
    redis.disconnect();
    const dropped = await database.drop();
    if (dropped) failures.push(dropped);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  if (rows.length) {
    console.log(`\nfan-out: ${RATE} events/s for ${SECONDS} s per row, through \`next start\`'s /live route into a separate client process`);
    console.log(`  machine: ${os.cpus().length} cores, load average ${load.join(" → ")} (other work on the machine skews every figure)`);
    console.log("  latencies in ms, p50 / p99; floor = bare Redis XADD → XREAD at the same rate, measured at the same time");
    console.log("  loop lag = server event-loop delay p99 per second (monitorEventLoopDelay), median / worst second");
    const head: Row = ["", "streams", "ev/s", "publish → client", "max", "write+publish → client", "floor", "loop lag p99", "server CPU µs/ev"];
    const w = [48, 8, 6, 18, 8, 24, 14, 14, 17];
    for (const r of [head, ...rows]) console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(w[0]!) : c.padStart(w[i]!))).join("")}`);
    console.log("  target: publish → client p99 ≤ 50 ms at 1,000 streams; the cost per event must not grow with idle watched sessions");
  }
  if (extra.length) {
    console.log("\n  (cold = the process's first subscription | warm: p50 / p99 / max over " + PROBES + ")");
    for (const [label, value] of extra) console.log(`  ${label.padEnd(72)}${value!.padStart(28)}`);
  }
  if (failures.length) {
    console.error(`\nFAILED (could not measure):\n${failures.map((f) => `  ${f}`).join("\n")}`);
    return 1;
  }
  return 0;
}

async function createTarget(api: ApiClient, slug: string, workspaceId: string, i: number): Promise<Target> {
  const issue = await api.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: `Watched ${i + 1}`, description: "An agent answers here." });
  if (issue.status !== 201) throw new Error(`creating an issue answered ${issue.status}: ${JSON.stringify(issue.body)}`);
  const c = await api.post(`/api/workspaces/${slug}/issues/${issue.body.issue.key}/comments`, { text: "@claude have a look, please" });
  if (c.status !== 201 || c.body.sessions?.length !== 1) throw new Error(`the @claude comment answered ${c.status}: ${JSON.stringify(c.body)}`);
  return { id: c.body.sessions[0].id as string, issueId: issue.body.issue.id as string, workspaceId };
}

process.exit(await main());

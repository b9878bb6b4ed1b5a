// npm run bench:timeline – how the issue page copes when agents stream into it at once: 5 sessions ×
// 2,000 events (then 1 session × 2,000 for comparison) written the way the worker writes them (event
// table, then the session's Redis stream), through `next start`'s SSE route into Chromium.
// Prints throughput, latencies, React commits per animation frame per card (the page batches to at
// most one), frame intervals, long tasks, heap and server memory. Timings are figures, not checks:
// it fails (exit 1) only if a card does not end up showing every piece of text once, in order.
// Needs PostgreSQL and Redis on loopback and Debian's Chromium; builds the app first if it is stale.
// BENCH_SESSIONS, BENCH_EVENTS, BENCH_SEED change the load; BENCH_CPU_PROFILE=<folder> keeps a CPU
// profile of the page per run, BENCH_TRACE=<folder> a DevTools trace (style, layout, paint, tasks;
// open either in Chrome DevTools' Performance panel).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { BrowserContext, CDPSession } from "playwright-core";
import type { Db } from "../db/client";
import { loadCatalog, upsertAgentConfig } from "../db/queries/agents";
import { appendSessionEvents } from "../db/queries/session-events";
import { RedisLiveBus } from "../lib/bus/session-events";
import type { SequencedEvent } from "../lib/sessions/events";
import { transitionSession } from "../lib/sessions/transitions";
import { launchChromium } from "../tests/e2e/pages/browser";
import { ApiClient, SESSION_COOKIE, signUpAndIn, uniqueEmail } from "../tests/e2e/support/api-client";
import type { startNext } from "../tests/e2e/support/server";
import { beatAsWorker } from "../tests/support/worker-beat";
import { startBenchWeb } from "./support/bench-web";
import { createBenchDatabase, dropOrWarn } from "./support/bench-database";
import { deleteKeysMatching } from "./support/redis-keys";
import { installNameShim, installProbes, type CardTexts } from "./support/page-probes";
import { planSession, seeded, wordsOf, type Rand, type SessionPlan } from "./support/plan";
import { max, processTree, quantile, spread, sum } from "./support/stats";
import { connectForTest } from "../tests/support/connections";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 5);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
/** Each session publishes a batch of 5–20 events, then waits this long (or for its write, if longer). */
const TICK_MS = 10;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Bench = { api: ApiClient; slug: string; db: Db; bus: RedisLiveBus; context: BrowserContext; serverPid: number | undefined; rand: Rand; sessionIds: string[] };
type Row = [label: string, value: string];
type Result = { rows: Row[]; failures: string[] };

/** Acting as the worker: per tick each session writes a batch to the event table, then announces it. */
/** Per session, the database's number of an event minus the plan's (the status events come first). */
const seqOffset = new Map<string, number>();

async function publish(b: Bench, ids: string[], plans: SessionPlan[]): Promise<Map<string, Float64Array>> {
  const publishedAt = new Map(ids.map((id, i) => [id, new Float64Array(plans[i]!.events.length + 3)]));
  const queues = plans.map((p) => [...p.events, p.usage].map((e, i): SequencedEvent => ({ ...e, seq: i + 1 })));
  const write = async (id: string, batch: SequencedEvent[]) => {
    // The database numbers the events (after the session's status events); the plan's numbers index the timings.
    const stored = (await appendSessionEvents(b.db, id, batch.map(({ seq: _seq, ...e }) => e)))!;
    await b.bus.publish([{ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id, events: stored.events }]);
    const t = now();
    seqOffset.set(id, stored.events[0]!.seq - batch[0]!.seq);
    for (const e of batch) publishedAt.get(id)![e.seq] = t;
  };
  await Promise.all(
    ids.map(async (id, i) => {
      const q = queues[i]!;
      await transitionSession(b.db, id, "streaming", {}, { bus: b.bus });
      for (let at = 0; at < q.length; ) {
        const started = performance.now();
        const n = 5 + Math.floor(b.rand() * 16);
        await write(id, q.slice(at, at + n));
        at += n;
        await sleep(TICK_MS - (performance.now() - started));
      }
      // As SessionRun.finish: the terminal transition writes the status and `done` and announces them.
      const u = plans[i]!.usage;
      await transitionSession(b.db, id, "completed", { inputTokens: u.inputTokens, outputTokens: u.outputTokens, costUsd: (u.costUsd ?? 0).toFixed(6) }, { bus: b.bus });
    }),
  );
  return publishedAt;
}

// Functions passed to page.evaluate run in the page (serialized, without their closure): they
// reach the probes through window.__bench only.

/**
 * Polls `probe` (a page.evaluate of a function) until it answers something truthy. Not
 * page.waitForFunction: its polling compiles the predicate with eval in the page, which the app's
 * Content-Security-Policy forbids.
 */
async function waitInPage<R>(what: string, timeoutMs: number, probe: () => Promise<R>, intervalMs = 100): Promise<NonNullable<R>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await probe();
    if (r) return r as NonNullable<R>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

/** Each card's shown words (lower case: CSS may change the case, innerText applies text-transform). */
const shownWords = (texts: CardTexts, ids: string[]) => ids.map((id) => wordsOf((texts[id] ?? "").toLowerCase()));

/** Where a card's shown words differ from what it must show, or null when they are the same. */
function difference(shown: string[], want: string[]): string | null {
  if (shown.length === want.length && shown.every((w, j) => w === want[j])) return null;
  const at = want.findIndex((w, j) => shown[j] !== w);
  const where = at < 0 ? shown.length : at;
  let tail = "";
  if (shown.length < want.length && where < shown.length) {
    // Text missing in the middle: does the card's end match the expected end?
    let k = 0;
    while (k < shown.length - where && shown[shown.length - 1 - k] === want[want.length - 1 - k]) k++;
    tail = `; the last ${k} words shown match the expected end, so ${want.length - shown.length} words are missing from word ${where} on`;
  }
  return (
    `shows ${shown.length} words, expected ${want.length}; first difference at word ${where}: ` +
    `expected "${want.slice(where, where + 6).join(" ")}", shown "${shown.slice(where, where + 6).join(" ")}"${tail}`
  );
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Per (frame, card) how many entries; the counts of the pairs that had at least one. */
function perFrameCard(flat: number[], stride: number, keep: (i: number) => boolean = () => true): number[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < flat.length; i += stride) if (keep(i)) counts.set(`${flat[i]}:${flat[i + 1]}`, (counts.get(`${flat[i]}:${flat[i + 1]}`) ?? 0) + 1);
  return [...counts.values()];
}

async function run(b: Bench, sessions: number, events: number, title: string): Promise<Result> {
  const failures: string[] = [];
  const issue = await b.api.post(`/api/workspaces/${b.slug}/projects/WEB/issues`, { title, description: "Agents answer here at once." });
  if (issue.status !== 201) throw new Error(`creating the issue answered ${issue.status}: ${JSON.stringify(issue.body)}`);
  const key = issue.body.issue.key as string;
  const ids: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const c = await b.api.post(`/api/workspaces/${b.slug}/issues/${key}/comments`, { text: `@claude part ${i + 1} of the answer, please` });
    if (c.status !== 201 || c.body.sessions?.length !== 1) throw new Error(`the @claude comment answered ${c.status}: ${JSON.stringify(c.body)}`);
    ids.push(c.body.sessions[0].id as string);
  }
  b.sessionIds.push(...ids);
  for (const id of ids) {
    await transitionSession(b.db, id, "provisioning", { workerId: "bench" }, { bus: b.bus });
    await transitionSession(b.db, id, "running", {}, { bus: b.bus });
  }
  const plans = ids.map((_, i) => planSession(i, events, b.rand));

  const page = await b.context.newPage();
  const cdp = await b.context.newCDPSession(page);
  try {
    await cdp.send("Performance.enable");
    await page.goto(`${new URL(b.api.baseUrl).origin}/${b.slug}/issue/${key}`);
    // Every card is on the page and every stream the page opened (however many) is open.
    await waitInPage("the cards and their live streams", 30_000, () =>
      page.evaluate((n) => {
        const s = window.__bench!.streams();
        return document.querySelectorAll("li[data-session-id]").length === n && s.open > 0 && s.connecting === 0;
      }, sessions),
    );
    await cdp.send("HeapProfiler.collectGarbage");
    const before = await metrics(cdp);
    const server0 = processTree(b.serverPid);
    const cpu0 = process.cpuUsage();
    let serverPeak = server0.rssMb;
    const sampler = setInterval(() => (serverPeak = Math.max(serverPeak, processTree(b.serverPid).rssMb)), 200);

    const finals = Object.fromEntries(ids.map((id, i) => [id, plans[i]!.finalMarker]));
    const profile = process.env.BENCH_CPU_PROFILE;
    if (profile) await cdp.send("Profiler.enable").then(() => cdp.send("Profiler.start"));
    const trace = process.env.BENCH_TRACE;
    const browser = b.context.browser();
    if (trace && browser) {
      fs.mkdirSync(trace, { recursive: true });
      await browser.startTracing(page, { path: path.join(trace, `timeline-${title.replace(/\W+/g, "-").toLowerCase()}.json`), categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "v8.execute"] });
    }
    await page.evaluate(([cards, f]) => window.__bench!.start(cards, f), [ids, finals] as const);
    const publishedAt = await publish(b, ids, plans);
    const published = now();
    // The cards' text in the same evaluate that first sees every card showing its last piece.
    const atEnd = await waitInPage("every card showing its last text and completed", 120_000, () =>
      page.evaluate((cards) => {
        const B = window.__bench!;
        return B.finished() ? Object.fromEntries(cards.map((id) => [id, B.cardText(id)])) : null;
      }, ids),
    ).catch(() => null);
    clearInterval(sampler);
    const data = await page.evaluate(() => window.__bench!.stop());
    if (profile) {
      fs.mkdirSync(profile, { recursive: true });
      fs.writeFileSync(path.join(profile, `timeline-${title.replace(/\W+/g, "-").toLowerCase()}.cpuprofile`), JSON.stringify((await cdp.send("Profiler.stop")).profile));
    }
    if (trace && browser) await browser.stopTracing();
    const after = await metrics(cdp);
    const server1 = processTree(b.serverPid);
    const cpu1 = process.cpuUsage(cpu0);
    await cdp.send("HeapProfiler.collectGarbage");
    const afterGc = await metrics(cdp);
    if (!atEnd) failures.push(`not every card showed its last text and "completed" within 120 s of the last publish (${((now() - published) / 1000).toFixed(0)} s)`);

    // Correctness: each card shows every word of its text pieces, once and in order – already at
    // the moment its last piece is on the page (nothing may be missing before it), and still once
    // the page has been quiet for 2 s (nothing arrives late or twice).
    const want = plans.map((p) => p.words.map((w) => w.toLowerCase()));
    const words = sum(want.map((w) => w.length));
    const settleStart = now();
    let settled: CardTexts = {};
    for (let quietSince = now(), last = ""; now() - quietSince < 2000 && now() - settleStart < 60_000; await sleep(250)) {
      settled = await page.evaluate((cards) => Object.fromEntries(cards.map((id) => [id, window.__bench!.cardText(id)])), ids);
      const joined = ids.map((id) => settled[id]).join("\u0000");
      if (joined !== last) quietSince = now();
      last = joined;
    }
    const endShown = atEnd ? shownWords(atEnd, ids) : null;
    const settledShown = shownWords(settled, ids);
    for (const [i, id] of ids.entries()) {
      const early = endShown ? difference(endShown[i]!, want[i]!) : null;
      if (early) failures.push(`card ${i + 1} (${id}), when its last piece was on the page, ${early}`);
      const late = difference(settledShown[i]!, want[i]!);
      if (late) failures.push(`card ${i + 1} (${id}), after the page settled, ${late}`);
    }
    const pct = (shown: string[][] | null) => (shown ? `${((sum(shown.map((s) => s.length)) / words) * 100).toFixed(1)}%` : "–");

    // Figures.
    const total = sum(plans.map((p) => p.events.length + 2));
    const pubTimes = [...publishedAt.values()].flatMap((a) => [...a.subarray(1)]).filter((t) => t > 0);
    const firstPub = Math.min(...pubTimes);
    const lastPub = max(pubTimes);
    const lastTextPub = max(ids.map((id, i) => publishedAt.get(id)![plans[i]!.events.length]!));
    const finalSeen = ids.map((id) => data.markers[finals[id]!] ?? NaN);
    const lastSeen = max(finalSeen);

    const netLatency: number[] = [];
    let received = 0;
    let repeats = 0;
    let outOfOrder = 0;
    for (const id of ids) {
      const arr = data.arrivals[id] ?? [];
      const seen = new Set<number>();
      for (let j = 0; j < arr.length; j += 2) {
        const seq = arr[j]!;
        received++;
        if (seen.has(seq)) repeats++;
        else if (j > 0 && seq < arr[j - 2]!) outOfOrder++;
        seen.add(seq);
        // The page sees the database's numbers; the timings are kept by the plan's (status events have none).
        const published = publishedAt.get(id)![seq - (seqOffset.get(id) ?? 0)];
        if (published) netLatency.push(arr[j + 1]! - published);
      }
    }
    const domLatency: number[] = [];
    for (const [i, id] of ids.entries()) {
      for (const [m, idx] of plans[i]!.markers) if (data.markers[m] !== undefined) domLatency.push(data.markers[m]! - publishedAt.get(id)![idx + 1]!);
    }

    const contentTouches = perFrameCard(data.touches, 4, (j) => data.touches[j + 2] === 1);
    const allTouches = perFrameCard(data.touches, 4);
    // Which second commits of a card in one frame came after the card's `done` arrived (the final flush, then settling)?
    const doneAt = ids.map((id, i) => {
      const arr = data.arrivals[id] ?? [];
      for (let j = 0; j < arr.length; j += 2) if (arr[j] === plans[i]!.events.length + 2) return arr[j + 1]!;
      return Infinity;
    });
    const doubles = new Map<string, number[]>();
    for (let j = 0; j < data.touches.length; j += 4) {
      if (data.touches[j + 2] !== 1) continue;
      const k = `${data.touches[j]}:${data.touches[j + 1]}`;
      doubles.set(k, [...(doubles.get(k) ?? []), j]);
    }
    const doubleFrames = [...doubles.values()].filter((js) => js.length > 1);
    const afterDone = doubleFrames.filter((js) => data.touches[js.at(-1)! + 3]! >= doneAt[data.touches[js[0]! + 1]!]!).length;
    const burstCounts = perFrameCard(data.bursts, 2);
    const commitsPerFrame = perFrameCard(data.commits.map((x, j) => (j % 2 === 0 ? x : 0)), 2);
    const contentCommits = data.touches.filter((_, j) => j % 4 === 2).filter((c) => c === 1).length;
    // Events a card took in one commit: its arrivals since its previous content commit.
    const batchSizes: number[] = [];
    for (const [c, id] of ids.entries()) {
      const arr = data.arrivals[id] ?? [];
      let j = 0;
      for (let k = 0; k < data.touches.length; k += 4) {
        if (data.touches[k + 1] !== c || data.touches[k + 2] !== 1) continue;
        let n = 0;
        for (; j < arr.length && arr[j + 1]! <= data.touches[k + 3]!; j += 2) n++;
        if (n) batchSizes.push(n);
      }
    }
    const frames = data.frames.filter((t) => t >= firstPub && t <= (Number.isFinite(lastSeen) ? lastSeen : data.t1));
    const intervals = frames.slice(1).map((t, j) => t - frames[j]!);
    const windowEnd = Number.isFinite(lastSeen) ? lastSeen : data.t1;
    const longTasks: number[] = [];
    for (let j = 0; j < data.longTasks.length; j += 2) if (data.longTasks[j]! + data.longTasks[j + 1]! >= firstPub && data.longTasks[j]! <= windowEnd) longTasks.push(data.longTasks[j + 1]!);
    const busy = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
    const wall = data.t1 - data.t0;
    const mb = (bytes: number | undefined) => ((bytes ?? NaN) / 2 ** 20).toFixed(1);
    const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");
    const maxP99 = (xs: number[]) => (xs.length ? `${max(xs)} / ${quantile(xs, 0.99)}` : "–");
    const textEvents = sum(plans.map((p) => p.textEvents));
    const toolEvents = sum(plans.map((p) => p.toolEvents));

    const rows: Row[] = [
      ["events (text / tool / status+usage+done)", `${total} (${textEvents} / ${toolEvents} / ${total - textEvents - toolEvents})`],
      ["text per card (characters)", String(Math.round(sum(plans.map((p) => p.chars)) / sessions))],
      ["published: first → last (s)", ((lastPub - firstPub) / 1000).toFixed(2)],
      ["publish rate (events/s)", (total / ((lastPub - firstPub) / 1000)).toFixed(0)],
      ["shown rate: first publish → last text in DOM (ev/s)", (total / ((lastSeen - firstPub) / 1000)).toFixed(0)],
      ["publish → EventSource in page (ms)", spread(netLatency)],
      [`publish → text in DOM, ${domLatency.length} sampled pieces (ms)`, spread(domLatency)],
      ["last text published → last card shows it (ms)", ms(lastSeen - lastTextPub)],
      ["events received / twice / out of order", `${received} / ${repeats} / ${outOfOrder}`],
      ["markdown blocks rendered / text parsed ÷ text size", `${data.blockRenders} / ${(data.blockChars / sum(plans.map((p) => p.chars))).toFixed(2)}`],
      ["React commits during streaming (that changed a card)", `${data.commits.length / 2} (${contentCommits})`],
      ["events per card commit: mean / max", `${(total / Math.max(1, contentCommits)).toFixed(1)} / ${max(batchSizes)}`],
      ["commits per frame per card: max / p99", maxP99(contentTouches)],
      ["  counting the elapsed-time clock tick: max / p99", maxP99(allTouches)],
      ["  frames where a card committed twice (after `done`)", `${doubleFrames.length} (${afterDone})`],
      ["mutation callbacks per frame per card: max / p99", maxP99(burstCounts)],
      ["React commits per frame, any card: p50 / max", commitsPerFrame.length ? `${quantile(commitsPerFrame, 0.5)} / ${max(commitsPerFrame)}` : "–"],
      ["frames while streaming", `${frames.length} (${(frames.length / ((windowEnd - firstPub) / 1000)).toFixed(0)} fps)`],
      ["frame interval (ms)", spread(intervals)],
      ["frames longer than 50 ms", String(intervals.filter((d) => d > 50).length)],
      ["long tasks: count / total / longest (ms)", `${longTasks.length} / ${ms(sum(longTasks))} / ${ms(max(longTasks))}`],
      ["main thread busy (ms, % of the run)", `${ms(busy("TaskDuration"))} (${((busy("TaskDuration") / wall) * 100).toFixed(0)}%)`],
      ["  script / layout / style (ms)", `${ms(busy("ScriptDuration"))} / ${ms(busy("LayoutDuration"))} / ${ms(busy("RecalcStyleDuration"))}`],
      ["JS heap used: before / after / after GC (MB)", `${mb(before.JSHeapUsedSize)} / ${mb(after.JSHeapUsedSize)} / ${mb(afterGc.JSHeapUsedSize)}`],
      ["DOM nodes: before / after", `${before.Nodes ?? "–"} / ${afterGc.Nodes ?? "–"}`],
      ["server RSS: before / peak (MB)", `${server0.rssMb.toFixed(0)} / ${serverPeak.toFixed(0)}`],
      ["server CPU while streaming (s)", (server1.cpuS - server0.cpuS).toFixed(2)],
      ["bench (worker side) CPU (s)", ((cpu1.user + cpu1.system) / 1e6).toFixed(2)],
      ["words shown when the last pieces landed / settled", `${pct(endShown)} / ${pct(settledShown)} of ${words}`],
      ["text check (cards, words in order)", failures.length ? "FAILED" : `${sessions}/${sessions} ok, ${words}`],
    ];
    // A figure the probes could not take fails the run: an empty row would read as "no problem".
    if (data.hookCommits === 0) failures.push(`React reported no commits to the DevTools hook: the commit rows of "${title}" cannot be measured`);
    if (frames.length < 2) failures.push(`no animation frames were recorded in "${title}"`);
    if (!data.longTaskTiming) failures.push(`the page has no long-task timing (PerformanceObserver "longtask"): "${title}" cannot measure long tasks`);
    if (received === 0) failures.push(`no event arrivals were recorded in "${title}": the EventSource probe (bench/support/page-probes.ts) no longer matches the transport`);
    return { rows, failures };
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

async function main() {

  const database = await createBenchDatabase();
  const handle = database.handle;
  const prefix = `bench-${randomBytes(3).toString("hex")}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-bench-"));
  const bus = new RedisLiveBus(redisUrl);
  const redis = new Redis(redisUrl);
  const sessionIds: string[] = [];
  let server: Awaited<ReturnType<typeof startNext>> | undefined;
  let stopBeating = () => {};
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const results: Result[] = [];
  try {
    await database.migrate();
    server = (await startBenchWeb({ databaseUrl: database.url, redisUrl, dataDir, env: { BULLMQ_PREFIX: prefix } })).server;
    // The sessions below are moved by this process as worker "bench": it beats like one.
    stopBeating = beatAsWorker(handle.db, "bench");

    const { client: api } = await signUpAndIn(server.url, { name: "Bench Lead", email: uniqueEmail("bench"), password: "correct horse battery" });
    const slug = `bench-${randomBytes(3).toString("hex")}`;
    const ws = await api.post("/api/workspaces", { name: "Bench", slug });
    if (ws.status !== 201) throw new Error(`creating the workspace answered ${ws.status}: ${JSON.stringify(ws.body)}`);
    const project = await api.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" });
    if (project.status !== 201) throw new Error(`creating the project answered ${project.status}: ${JSON.stringify(project.body)}`);
    const claude = (await loadCatalog(handle.db, ws.body.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(handle.db, { workspaceId: ws.body.workspace.id, providerId: claude.id, patch: { maxConcurrentSessions: 10 } });
    await connectForTest(handle.db, { workspaceId: ws.body.workspace.id, kind: claude.slug });

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: api.cookie(SESSION_COOKIE)!, domain: "127.0.0.1", path: "/", httpOnly: true, sameSite: "Lax" }]);
    // The app shares one EventSource between tabs through a SharedWorker, out of the page's reach:
    // without SharedWorker it keeps the same live connection inside the page, where the probes see it.
    await context.addInitScript(() => void Object.defineProperty(window, "SharedWorker", { value: undefined, configurable: true }));
    await context.addInitScript(installNameShim); // first: the probes' compiled code calls __name
    await context.addInitScript(installProbes);
    const b: Bench = { api, slug, db: handle.db, bus, context, serverPid: server.process.pid, rand: seeded(SEED), sessionIds };

    const load0 = os.loadavg()[0]!.toFixed(1);
    const warm = await run(b, 1, 300, "Warm-up"); // JIT, caches and connections; not reported
    results.push({ rows: [], failures: warm.failures.map((f) => `warm-up: ${f}`) });
    const many = await run(b, SESSIONS, EVENTS, `${SESSIONS} agents at once`);
    const one = await run(b, 1, EVENTS, "One agent");
    results.push(many, one);

    const w = [52, 28, 28];
    console.log(`\ntimeline render: ${SESSIONS} sessions × ${EVENTS} events into one issue page, then 1 × ${EVENTS} (p50 / p95 / max where three)`);
    console.log(`  machine: ${os.cpus().length} cores, load average ${load0} before, ${os.loadavg()[0]!.toFixed(1)} after (other work on the machine skews every figure)`);
    console.log(`  ${"".padEnd(w[0]!)}${`${SESSIONS} sessions`.padStart(w[1]!)}${"1 session".padStart(w[2]!)}`);
    for (const [j, [label, value]] of many.rows.entries()) console.log(`  ${label.padEnd(w[0]!)}${value.padStart(w[1]!)}${(one.rows[j]?.[1] ?? "").padStart(w[2]!)}`);
  } finally {
    stopBeating();
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await bus.close();
    await deleteKeysMatching(redis, `${prefix}:*`);
    redis.disconnect();
    await dropOrWarn(database);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const failures = results.flatMap((r) => r.failures);
  if (failures.length) {
    console.error(`\nFAILED:\n${failures.map((f) => `  ${f}`).join("\n")}`);
    return 1;
  }
  return 0;
}

process.exit(await main());

// npm run bench:prestart – what a warm pool of pre-started CLIs would buy, and what it would cost.
// For Claude Code and Gemini CLI, BENCH_RUNS rounds (default 10) alternating two runs of the CLI
// in its hardened container (the worker's DockerSandbox and spec, behind the worker's model proxy,
// with the dispatch MCP server), the prompt coming in on stdin through a FIFO:
//   cold         the prompt is written as soon as the container starts (what every run does now)
//   pre-started  the CLI starts, initialises and waits on stdin; after BENCH_IDLE_MS the prompt is
//                written — what a pooled container handed a session would do
// It prints p50 / p95 / p99 of create → first stdout line (cold), prompt written → first stdout
// line (pre-started), the idle memory of a pre-started container, and whether a CLI started
// before the checkout is there sees it (a pool cannot know a session's checkout in advance).
// Last, how many round trips to the model API each CLI makes before its first line: cold runs with
// the API answering at once, then BENCH_RTT_MS (default 150) later, as a distant API would — with
// no reply cache, with the worker's cache empty (a token's first run), and with its replies kept.
// Claude Code reads its prompt as `--input-format stream-json` (in plain `-p` it gives up waiting
// on stdin after 3 s); Gemini CLI is given a newline first (it gives up after 500 ms of silence).
// Exits non-zero, saying why, when it cannot measure.
import { execFileSync } from "node:child_process";
import http from "node:http";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { startAnthropicApi, type ModelApi } from "../tests/support/anthropic-api";
import { startGeminiApi } from "../tests/support/gemini-api";
import { cliAdapters, PROXY_CREDENTIAL } from "../workers/cli";
import { startModelProxy } from "../workers/model-proxy";
import { SetupReplyCache } from "../workers/setup-cache";
import { handleMcpMessage, type McpTools } from "../workers/run/mcp-server";
import { CONTAINER_HOME, DockerSandbox } from "../workers/sandbox/docker-sandbox";
import type { SandboxSpec, SandboxTimingHook } from "../workers/sandbox/types";
import { quantile } from "./support/stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 4000);
const LIMITS = { memoryMb: 2048, cpus: 1, pids: 512 };
const IMAGES = { claude: "dispatch/agent-claude:latest", gemini: "dispatch/agent-gemini:latest" } as const;
const now = () => performance.timeOrigin + performance.now();
const MARKER = "PROJECT-NOTES-4F2A";
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 150);

type Cli = keyof typeof IMAGES;
type Marks = Partial<Record<Parameters<SandboxTimingHook>[1], number>>;
class BenchFailure extends Error {}

/** The worker's Claude Code command line, reading stream-json on stdin (the FIFO) instead of a prompt file. */
const CLAUDE_PRESTART = [
  "/bin/sh", "-c", 'exec "$0" "$@" </run/dispatch/prompt.fifo',
  "/opt/agent/bin/claude", "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "--include-partial-messages",
  "--model", "bench", "--mcp-config", "/opt/agent/mcp.json", "--allowedTools", "mcp__dispatch__ask_team", "--dangerously-skip-permissions",
];
const CLAUDE_ENV = { ANTHROPIC_UNIX_SOCKET: "/run/dispatch/api.sock", ANTHROPIC_BASE_URL: "http://localhost", HOME: CONTAINER_HOME, CLAUDE_CODE_MAX_RETRIES: "2" };

/** The dispatch tools are declared (the CLIs connect at start) but never called by the plain script. */
const noTools: McpTools = {
  askUser: async () => ({ text: "not in this benchmark", isError: true }),
  approveAction: async () => ({ text: JSON.stringify({ behavior: "deny", message: "not in this benchmark" }) }),
};

async function main() {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new BenchFailure(`BENCH_RUNS must be a whole number ≥ 1 (got ${process.env.BENCH_RUNS})`);
  if (!Number.isFinite(RTT_MS) || RTT_MS < 50) throw new BenchFailure(`BENCH_RTT_MS must be at least 50 (got ${process.env.BENCH_RTT_MS})`);
  if (!Number.isFinite(IDLE_MS) || IDLE_MS < 500) throw new BenchFailure(`BENCH_IDLE_MS must be at least 500 (got ${process.env.BENCH_IDLE_MS})`);
  const docker = new Docker();
  await docker.ping().catch((err: unknown) => {
    throw new BenchFailure(`no Docker engine answers (${(err as Error).message}): start one, see README`);
  });
  const marks = new Map<string, Marks>();
  const sandbox = new DockerSandbox(docker, `bench-prestart-${randomBytes(3).toString("hex")}`, undefined, (id, step, at) => {
    const m = marks.get(id) ?? {};
    m[step] ??= at;
    marks.set(id, m);
  });
  const apis: Record<Cli, ModelApi> = { claude: await startAnthropicApi(), gemini: await startGeminiApi() };
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "dispatch-bench-prestart-"));
  try {
    for (const cli of ["claude", "gemini"] as const) {
      if (!(await sandbox.imageExists(IMAGES[cli]))) throw new BenchFailure(`the agent image ${IMAGES[cli]} is missing: build it with npm run images`);
    }

    /** One run; `beforePrompt` happens between the start and the prompt (the pre-started CLI's idle time). */
    const runOnce = async (
      cli: Cli,
      label: string,
      beforePrompt: (containerId: string, workDir: string) => Promise<number | void>,
      beforeStart?: (workDir: string) => Promise<void>,
      api = apis[cli].url,
      /** The worker's start-up reply cache (workers/setup-cache.ts); none: every call goes to the API. */
      cache?: SetupReplyCache,
    ) => {
      const id = `prestart-${randomBytes(6).toString("hex")}`;
      const dir = path.join(root, id);
      const dirs = { work: path.join(dir, "work"), run: path.join(dir, "run"), home: path.join(dir, "home") };
      for (const d of Object.values(dirs)) await fs.mkdir(d, { recursive: true });
      await fs.chown(dirs.work, 1000, 1000);
      await fs.chown(dirs.home, 1000, 1000);
      await beforeStart?.(dirs.work);
      // Claude's command line reads the FIFO; Gemini's own entrypoint reads prompt.txt, here a FIFO too.
      const fifo = path.join(dirs.run, cli === "claude" ? "prompt.fifo" : "prompt.txt");
      execFileSync("mkfifo", ["-m", "0644", fifo]);
      const adapter = cliAdapters[cli]!;
      const proxy = await startModelProxy(path.join(dirs.run, "api.sock"), api, {
        headers: adapter.credentialHeaders("bench-access-token"),
        mcp: (body) => handleMcpMessage(body, noTools, () => randomBytes(8).toString("hex")),
        cacheable: adapter.setupCalls,
        cache,
      });
      const spec: SandboxSpec = {
        sessionId: id,
        workerId: "bench-prestart",
        image: IMAGES[cli],
        workDir: dirs.work,
        runDir: dirs.run,
        homeDir: dirs.home,
        env: { ...adapter.containerEnv({ model: cli === "claude" ? "bench" : "gemini-2.5-pro", token: PROXY_CREDENTIAL, resume: null }), ...(cli === "claude" ? CLAUDE_ENV : {}) },
        limits: LIMITS,
        network: "none",
        ...(cli === "claude" ? { entrypoint: CLAUDE_PRESTART } : {}),
      };
      const handle = await sandbox.start(spec);
      try {
        const output = (async () => {
          const out: string[] = [];
          for await (const l of handle.lines()) if (l.stream === "stdout") out.push(l.line);
          return out;
        })();
        // Opening the write end waits for the container's reader; Gemini needs a first byte within 500 ms.
        const fh = await fs.open(fifo, "w");
        if (cli === "gemini") await fh.write("\n");
        const idleMemoryMb = (await beforePrompt(handle.id, dirs.work)) ?? null;
        const prompt = `Say hello. [script:plain] (${label})`;
        const promptAt = now();
        await fh.write(cli === "claude" ? JSON.stringify({ type: "user", message: { role: "user", content: prompt } }) + "\n" : prompt);
        await fh.close();
        const out = await output;
        const exit = await handle.wait();
        if (exit.exitCode !== 0 || !out.some((l) => l.includes('"type":"result"'))) {
          throw new BenchFailure(`${cli} ${label}: exited ${exit.exitCode} without a result (stdout: ${out.join(" ").slice(0, 300) || "none"})`);
        }
        const m = marks.get(id) ?? {};
        if (m.create === undefined || m.started === undefined || m.firstLine === undefined) throw new BenchFailure(`${cli} ${label}: the sandbox did not report its steps`);
        return { createToFirstLine: m.firstLine - m.create, startedToFirstLine: m.firstLine - m.started, promptToFirstLine: m.firstLine - promptAt, idleMemoryMb };
      } finally {
        await handle.remove().catch(() => undefined);
        await proxy.close();
        await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
    };

    const idleThenMeasure = async (containerId: string) => {
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const stats = (await docker.getContainer(containerId).stats({ stream: false })) as { memory_stats?: { usage?: number; stats?: { inactive_file?: number } } };
      const usage = stats.memory_stats?.usage;
      if (usage === undefined) throw new BenchFailure("the Docker engine reported no memory figure for a container");
      return (usage - (stats.memory_stats?.stats?.inactive_file ?? 0)) / 1024 / 1024;
    };

    // A checkout made after the CLI started: does its first request to the model know about it?
    // The control (the same checkout made before the start) must: else the check cannot judge.
    const checkout = async (cli: Cli, workDir: string) => {
      await fs.writeFile(path.join(workDir, cli === "claude" ? "CLAUDE.md" : "GEMINI.md"), `${MARKER}\n`);
      execFileSync("git", ["-c", "safe.directory=*", "init", "-q", workDir]);
      execFileSync("chown", ["-R", "1000:1000", workDir]);
    };
    const markerSent = async (cli: Cli, label: string, late: boolean) => {
      const before = apis[cli].requests.length;
      await runOnce(
        cli,
        label,
        async (_id, workDir) => {
          if (!late) return;
          await new Promise((r) => setTimeout(r, IDLE_MS));
          await checkout(cli, workDir);
        },
        late ? undefined : (workDir) => checkout(cli, workDir),
      );
      return apis[cli].requests.slice(before).some((r) => JSON.stringify(r.body).includes(MARKER));
    };
    const seesLateCheckout = async (cli: Cli) => {
      if (!(await markerSent(cli, "checkout before start", false))) throw new BenchFailure(`${cli} did not send its memory file to the model even when the checkout was there at its start: the late-checkout check cannot judge`);
      return markerSent(cli, "checkout after start", true);
    };

    // The API answering RTT_MS later: each round trip the CLI waits on before its first line adds that
    // much. Then again with the worker's start-up replies kept from an earlier run (workers/setup-cache.ts).
    const roundTrips = async (cli: Cli) => {
      const far = await delayedForwarder(apis[cli].url, RTT_MS);
      const kept = new SetupReplyCache();
      try {
        await runOnce(cli, "fills the cache", async () => undefined, undefined, far.url, kept);
        const near: number[] = [];
        const distant: number[] = [];
        const distantKept: number[] = [];
        const distantFresh: number[] = [];
        for (let i = 0; i < 3; i++) {
          near.push((await runOnce(cli, `near ${i}`, async () => undefined)).startedToFirstLine);
          distant.push((await runOnce(cli, `distant ${i}`, async () => undefined, undefined, far.url)).startedToFirstLine);
          distantKept.push((await runOnce(cli, `distant, kept ${i}`, async () => undefined, undefined, far.url, kept)).startedToFirstLine);
          distantFresh.push((await runOnce(cli, `distant, first of its token ${i}`, async () => undefined, undefined, far.url, new SetupReplyCache())).startedToFirstLine);
        }
        return { near: quantile(near, 0.5), distant: quantile(distant, 0.5), distantKept: quantile(distantKept, 0.5), distantFresh: quantile(distantFresh, 0.5) };
      } finally {
        await far.close();
      }
    };

    const results: { cli: Cli; cold: number[]; coldStarted: number[]; warm: number[]; memory: number[]; late: boolean; rtt: { near: number; distant: number; distantKept: number; distantFresh: number } }[] = [];
    for (const cli of ["claude", "gemini"] as const) {
      // One round not counted: the first container of an image pays for loading its files.
      await runOnce(cli, "warm-up", async () => undefined);
      const r = { cli, cold: [] as number[], coldStarted: [] as number[], warm: [] as number[], memory: [] as number[], late: false, rtt: { near: NaN, distant: NaN, distantKept: NaN, distantFresh: NaN } };
      for (let i = 0; i < RUNS; i++) {
        const cold = await runOnce(cli, `cold ${i}`, async () => undefined);
        r.cold.push(cold.createToFirstLine);
        r.coldStarted.push(cold.startedToFirstLine);
        const warm = await runOnce(cli, `pre-started ${i}`, idleThenMeasure);
        r.warm.push(warm.promptToFirstLine);
        r.memory.push(warm.idleMemoryMb!);
        process.stderr.write(`\r${cli}: ${i + 1}/${RUNS} rounds`);
      }
      process.stderr.write("\n");
      r.late = await seesLateCheckout(cli);
      r.rtt = await roundTrips(cli);
      results.push(r);
    }

    const f = (xs: number[], digits = 0) => [0.5, 0.95, 0.99].map((q) => quantile(xs, q).toFixed(digits).padStart(7)).join("");
    console.log(`\npre-started CLIs, ${RUNS} alternating rounds per CLI (idle ${IDLE_MS} ms before the prompt); p50 p95 p99; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
    for (const r of results) {
      console.log(`\n${r.cli}`);
      console.log(`  cold: create → first stdout line (ms)                 ${f(r.cold)}`);
      console.log(`  cold: started → first stdout line (ms)                ${f(r.coldStarted)}`);
      console.log(`  pre-started: prompt written → first stdout line (ms)  ${f(r.warm)}`);
      console.log(`  pre-started: idle container memory (MiB)              ${f(r.memory, 1)}`);
      console.log(`  a checkout made after the CLI started is seen:        ${r.late ? "yes" : "no (its memory file, sent when there at the start, never reached the model)"}`);
      const trips = (ms: number) => ((ms - r.rtt.near) / RTT_MS).toFixed(1);
      console.log(`  API round trips before its first line (p50 of 3):     ${trips(r.rtt.distant)} uncached, ${trips(r.rtt.distantFresh)} on a token's first run, ${trips(r.rtt.distantKept)} with replies kept`);
      console.log(`    (started → first line: ${r.rtt.near.toFixed(0)} ms with the API answering at once; ${RTT_MS} ms away ${r.rtt.distant.toFixed(0)} / ${r.rtt.distantFresh.toFixed(0)} / ${r.rtt.distantKept.toFixed(0)} ms)`);
    }
  } finally {
    await apis.claude.close();
    await apis.gemini.close();
    await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** An HTTP forwarder to `upstream` that holds each request `delayMs` first: the model API as if far away. */
async function delayedForwarder(upstream: string, delayMs: number) {
  const base = new URL(upstream);
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      const up = http.request({ host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on("error", () => res.destroy());
      req.pipe(up);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nprestart bench FAILED: ${err instanceof BenchFailure ? err.message : ((err as Error)?.stack ?? String(err))}`);
    process.exit(1);
  },
);

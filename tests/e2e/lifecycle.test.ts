import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { connectProvider, waitForSession } from "./support/agents";
import { signUpAndIn, uniqueEmail } from "./support/api-client";
import { freePort } from "./support/server";

// `npm start` as a process supervisor runs it (systemd, Docker, a terminal): the signal goes to npm's
// pid, and a crash is a kill -9. Real processes, the embedded default (PGlite), real Docker, the
// real Claude Code CLI against the scripted Messages API (the stand-in for Anthropic).

const root = path.resolve(import.meta.dirname, "../..");
let api: ModelApi;
const folders: string[] = [];
const started: ChildProcess[] = [];

beforeAll(async () => {
  api = await startAnthropicApi();
});
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) killTree(c.pid!, "SIGKILL");
  await api?.close();
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
});

function dataFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-lifecycle-"));
  folders.push(dir);
  return dir;
}

/** Every process below `pid` (children, grandchildren…), from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function killTree(pid: number, signal: NodeJS.Signals) {
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, signal);
    } catch {
      // gone
    }
  }
}

const portTaken = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

type Started = { child: ChildProcess; url: string; port: number; output: () => string; exit: Promise<number | null> };

async function npmStart(dataDir: string, extra: Record<string, string> = {}, fixed: { port?: number; secret?: string } = {}): Promise<Started> {
  const port = fixed.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production" as const,
    PORT: String(port),
    DISPATCH_DATA_DIR: dataDir,
    DISPATCH_WORK_DIR: path.join(dataDir, "sessions"),
    DISPATCH_MODEL_API_CLAUDE: api.url,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: fixed.secret ?? randomBytes(36).toString("base64url"),
    ...extra,
  };
  for (const k of ["DATABASE_URL", "REDIS_URL", "DISPATCH_EMBEDDED_WORKER", "DISPATCH_ENCRYPTION_KEYS"]) delete env[k];
  const child = spawn("npm", ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url, port, output: () => output, exit };
}

async function ready(s: Started) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited (${s.child.exitCode}):\n${s.output()}`);
    const status = await fetch(`${s.url}/api/auth/csrf`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`npm start never answered:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

describe("npm start under a supervisor", () => {
  it("refuses a second server on the same data folder; SIGTERM to npm's pid stops the server, exits 0, leaves no process and frees the port", async () => {
    const dir = dataFolder();
    const first = await npmStart(dir);
    await ready(first);
    const tree = descendants(first.child.pid!);
    expect(tree.length).toBeGreaterThan(0);

    const second = await npmStart(dir);
    expect(await withTimeout(second.exit, 30_000, "the second npm start to give up"), second.output()).toBe(1);
    expect(second.output()).toMatch(/another Dispatch server \(pid \d+\) is using the data folder/);
    expect(first.child.exitCode).toBeNull();

    const t0 = Date.now();
    first.child.kill("SIGTERM"); // npm's pid, as a supervisor holds it
    expect(await withTimeout(first.exit, 60_000, `npm start to exit on SIGTERM:\n${first.output()}`), first.output()).toBe(0);
    console.info(`[lifecycle] npm start stopped ${Date.now() - t0} ms after SIGTERM`);
    expect(first.output()).toContain("SIGTERM: finishing running sessions");
    expect(tree.filter(alive)).toEqual([]);
    expect(await portTaken(first.port)).toBe(false);
    expect(fs.existsSync(path.join(dir, "server.pid"))).toBe(false);
  }, 180_000);

  it("kill -9 of the embedded server with a session in line: after a restart the cut-off run ends with its reason and the waiting one runs", async () => {
    const dir = dataFolder();
    const secret = randomBytes(36).toString("base64url");
    const first = await npmStart(dir, { WORKER_CONCURRENCY: "1" }, { secret });
    await ready(first);
    const { client: admin } = await signUpAndIn(first.url, { name: "Kim Ops", email: uniqueEmail("kim"), password: "correct horse battery" });
    const slug = `life-${randomBytes(3).toString("hex")}`;
    expect((await admin.post("/api/workspaces", { name: "Lifecycle", slug })).status).toBe(201);
    expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
    const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Crash me" });
    expect(issue.status, JSON.stringify(issue.body)).toBe(201);
    await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(16).toString("hex")}`);
    const mention = async (text: string) => {
      const res = await admin.post(`/api/workspaces/${slug}/issues/${issue.body.issue.key}/comments`, { text });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.sessions[0].id as string;
    };
    const running = await mention("@claude [script:hang] keep going");
    await waitForSession(admin, slug, running, ["streaming", "running"], 90_000);
    const waiting = await mention("@claude [script:plain] answer when you can");
    expect((await waitForSession(admin, slug, waiting, ["queued"])).status).toBe("queued");

    // The crash: the server process itself (the one holding PGlite and the in-process queue).
    const server = descendants(first.child.pid!).find((p) => fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("next"))!;
    process.kill(server, "SIGKILL");
    await withTimeout(first.exit, 30_000, "npm start to notice its server died");

    const again = await npmStart(dir, { WORKER_CONCURRENCY: "1" }, { port: first.port, secret });
    await ready(again);
    const restartedAt = Date.now();
    const cut = await waitForSession(admin, slug, running, ["failed"], 30_000);
    console.info(`[lifecycle] the cut-off session ended ${Date.now() - restartedAt} ms after the restart`);
    expect(cut).toMatchObject({ error_code: "worker_lost" });
    const done = await waitForSession(admin, slug, waiting, ["completed"], 120_000);
    expect(done.response).toBeTruthy();
    again.child.kill("SIGTERM");
    expect(await withTimeout(again.exit, 60_000, "the restarted server to stop")).toBe(0);
  }, 300_000);
});

describe("npm start and Next.js telemetry", () => {
  /** The server's environment as the kernel holds it (its pid is in the data folder's lock file). */
  const serverEnv = (dir: string) => {
    const pid = fs.readFileSync(path.join(dir, "server.pid"), "utf8").trim();
    return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  };
  const stop = async (s: Started) => {
    s.child.kill("SIGTERM");
    expect(await withTimeout(s.exit, 60_000, "npm start to stop")).toBe(0);
  };

  it("is off unless DISPATCH_NEXT_TELEMETRY=1 or NEXT_TELEMETRY_DISABLED=0 says otherwise", async () => {
    // Whatever this machine has set must not decide the answer.
    delete process.env.NEXT_TELEMETRY_DISABLED;
    delete process.env.DISPATCH_NEXT_TELEMETRY;
    const dir = dataFolder();
    const plain = await npmStart(dir);
    await ready(plain);
    expect(serverEnv(dir)).toContain("NEXT_TELEMETRY_DISABLED=1");
    await stop(plain);

    const optedIn = await npmStart(dir, { DISPATCH_NEXT_TELEMETRY: "1" });
    await ready(optedIn);
    expect(serverEnv(dir).filter((v) => v.startsWith("NEXT_TELEMETRY_DISABLED="))).toEqual([]);
    await stop(optedIn);

    // Next reads any value, "0" too, as "disabled": the opt-in arrives as no variable at all.
    const explicit = await npmStart(dir, { NEXT_TELEMETRY_DISABLED: "0" });
    await ready(explicit);
    expect(serverEnv(dir).filter((v) => v.startsWith("NEXT_TELEMETRY_DISABLED="))).toEqual([]);
    await stop(explicit);
  }, 240_000);
});

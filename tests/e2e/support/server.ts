import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import Docker from "dockerode";
import { SESSION_LABEL, WORKER_LABEL } from "../../../workers/sandbox/docker-sandbox";

/** What a production build depends on: the same list scripts/start.mjs checks. */
export const BUILD_SOURCES = [
  "app",
  "components",
  "stores",
  "lib",
  "db",
  "instrumentation.ts",
  "instrumentation-node.ts",
  "next.config.ts",
  "tailwind.config.ts",
  "package-lock.json",
];

/** Newest modification time of a file, or of any file below a folder; 0 when it does not exist. */
export function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when `.next/BUILD_ID` is missing or older than any build source (the rule of scripts/start.mjs). */
export function buildIsStale(root: string): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return BUILD_SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

/**
 * `npx next build` in the foreground; throws when it fails (its output went to the terminal).
 * Without ESLint and the type check, as `npm start` builds (next.config.ts): `npm test` runs both first.
 */
export function buildApp(root: string): void {
  const r = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, DISPATCH_FAST_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
}

/** A port nobody listens on right now: bind port 0 on 127.0.0.1, read it, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type RunningServer = {
  url: string;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM, then SIGKILL if it is still alive after 5 s. */
  stop: () => Promise<void>;
};

/**
 * `next start` on 127.0.0.1:<port> with the given environment; resolves once GET /api/auth/csrf
 * answers 200. On time-out or early exit it kills the server and throws with the captured output.
 */
export async function startNext(opts: { root: string; port: number; env: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<RunningServer> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child = spawn(path.join(opts.root, "node_modules/.bin/next"), ["start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    cwd: opts.root,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const fail = async (why: string): Promise<never> => {
    await stop();
    const message = `${why}\n--- next start output ---\n${output}`;
    console.error(message);
    throw new Error(message);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) await fail(`next start exited early (${child.exitCode ?? child.signalCode})`);
    const status = await fetch(`${url}/api/auth/csrf`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) await fail(`next start did not answer 200 on ${url}/api/auth/csrf within ${(opts.readyTimeoutMs ?? 90_000) / 1000} s (last status ${status})`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, process: child, output: () => output, stop };
}

/** The id the embedded worker announced in the server's output (`[worker] <id> running up to …`), if it started. */
export function embeddedWorkerId(output: string): string | null {
  return /\[worker\] (\S+) running up to/.exec(output)?.[1] ?? null;
}

/**
 * Force-removes every agent container labelled with this worker (and only those: other test runs
 * may share the Docker engine). Returns the sessions they belonged to.
 */
export async function removeWorkerContainers(workerId: string, docker = new Docker()): Promise<string[]> {
  const rows = await docker.listContainers({ all: true, filters: { label: [`${WORKER_LABEL}=${workerId}`] } });
  await Promise.all(rows.map((r) => docker.getContainer(r.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return rows.map((r) => r.Labels[SESSION_LABEL] ?? r.Id);
}

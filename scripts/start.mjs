// npm start – the one command that runs Dispatch: installs dependencies and builds when needed,
// then serves on PORT (default 3000). Migrations run inside the server at start-up.
// `npm start` execs this file, and this file waits for the server: a SIGTERM or SIGINT sent to the
// pid a supervisor holds reaches the server, which drains its sessions; we exit with its code.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The live pid in the data folder's lock file (written by the server; see lib/data-lock.ts), or null. */
function serverHolding(dir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, "server.pid"), "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return err?.code === "EPERM" ? "unknown" : null;
  }
}

function newestMtime(entries) {
  let newest = 0;
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  entries.forEach(walk);
  return newest;
}

// Two servers on one embedded data folder would corrupt it; say so before building over a running one.
if (!process.env.DATABASE_URL) {
  const dir = path.resolve(process.env.DISPATCH_DATA_DIR ?? path.join(root, ".data"));
  const holder = serverHolding(dir);
  if (holder) {
    console.error(`[start] another Dispatch server (pid ${holder}) is using the data folder ${dir}. Stop it first, or set DISPATCH_DATA_DIR to another folder.`);
    process.exit(1);
  }
}

// A self-hosted tracker sends nothing home by default: Next.js telemetry (build and server) stays
// off unless the admin opts in with DISPATCH_NEXT_TELEMETRY=1 or NEXT_TELEMETRY_DISABLED=0. Next
// reads any value of that variable, "0" too, as "disabled", so an explicit 0 is removed.
if (process.env.NEXT_TELEMETRY_DISABLED === "0") delete process.env.NEXT_TELEMETRY_DISABLED;
else if (process.env.DISPATCH_NEXT_TELEMETRY !== "1") process.env.NEXT_TELEMETRY_DISABLED ??= "1";

if (!fs.existsSync("node_modules/.package-lock.json")) {
  console.log("[start] installing dependencies (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

const sources = ["app", "components", "stores", "lib", "db", "instrumentation.ts", "instrumentation-node.ts", "next.config.ts", "tailwind.config.ts", "package-lock.json"];
const buildId = ".next/BUILD_ID";
if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestMtime(sources)) {
  const first = !fs.existsSync(buildId);
  console.log(`[start] building (${first ? "first run, a minute or two" : "sources changed, a minute or two"})…`);
  const started = Date.now();
  // Without ESLint and the type check (next.config.ts): `npm test` runs both, and here they added over a minute.
  run("npx", ["next", "build"], { ...process.env, DISPATCH_FAST_BUILD: "1" });
  console.log(`[start] build done in ${Math.round((Date.now() - started) / 1000)} s`);
}

// A newcomer's first mention should just work: the server builds missing agent images in the
// background (progress in this log and in Settings → Agents). DISPATCH_AUTO_BUILD_IMAGES=0 turns it off.
process.env.DISPATCH_AUTO_BUILD_IMAGES ??= "1";

const port = process.env.PORT ?? "3000";
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
// Node runs Next directly (no npx or shell in between that would swallow signals); Next leaves
// SIGTERM to the server's own handler, which drains the embedded worker (lib/stop-signal.ts).
const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
const child = spawn(process.execPath, [next, "start", "-p", port], { stdio: "inherit", env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: "1" } });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 0)));

// npm start – the one command that runs Dispatch: installs dependencies and builds when needed,
// then serves on PORT (default 3000). Migrations run inside the server at start-up.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
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

if (!fs.existsSync("node_modules/.package-lock.json")) {
  console.log("[start] installing dependencies (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

const sources = ["app", "components", "stores", "lib", "db", "instrumentation.ts", "instrumentation-node.ts", "next.config.ts", "tailwind.config.ts", "package-lock.json"];
const buildId = ".next/BUILD_ID";
if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestMtime(sources)) {
  console.log("[start] building (next build)…");
  run("npx", ["next", "build"]);
}

const port = process.env.PORT ?? "3000";
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
const child = spawn("npx", ["next", "start", "-p", port], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

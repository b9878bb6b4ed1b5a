import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

/** One agent image to build: its tag, the provider's name for messages, and its build folder. */
export type ImageSpec = { image: string; label: string; contextDir: string; sharedDir?: string };
export type BuildProgress = { percent: number; step: string };

/** Share of the bar the CLI's `npm ci` takes; the Dockerfile's steps fill the rest. */
const INSTALL_SHARE = 25;

/** `#7 [3/5] RUN …` (BuildKit's plain progress) or `Step 3/5 : RUN …` (the classic builder): steps done of all. */
export function parseBuildStep(line: string): { done: number; total: number; step: string } | null {
  const m = /^#\d+ \[(?:[^\]\s]+ )?(\d+)\/(\d+)\] (.*)$/.exec(line) ?? /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
  if (!m) return null;
  const done = Number(m[1]);
  const total = Number(m[2]);
  return total > 0 && done <= total ? { done, total, step: m[3]!.slice(0, 120) } : null;
}

function run(cmd: string, args: string[], cwd: string, onLine: (line: string) => void): Promise<{ code: number | null; tail: string[]; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BUILDKIT_PROGRESS: "plain" } });
    const read = (s: NodeJS.ReadableStream) =>
      readline.createInterface({ input: s }).on("line", (line) => {
        tail.push(line);
        if (tail.length > 8) tail.shift();
        onLine(line);
      });
    read(child.stdout);
    read(child.stderr);
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, tail, error }));
    child.once("close", (code) => resolve({ code, tail }));
  });
}

/**
 * What `npm run images` does for one image: install the CLI into the build folder (when it has a
 * package.json), stage the shared files, `docker build`; progress goes to `onProgress`. Throws
 * with the reason (the last lines of the failing command) when a step fails.
 */
export async function buildImage(spec: ImageSpec, onProgress: (p: BuildProgress) => void): Promise<void> {
  const fail = (what: string, r: Awaited<ReturnType<typeof run>>): never => {
    if (r.error?.code === "ENOENT") throw new Error(`${what}: the command is not installed on this machine`);
    throw new Error(`${what} failed (exit ${r.code}): ${r.tail.join(" | ").slice(-400)}`);
  };
  if (fs.existsSync(path.join(spec.contextDir, "package.json"))) {
    onProgress({ percent: 2, step: "Installing the CLI (npm ci)" });
    const r = await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], spec.contextDir, () => {});
    if (r.code !== 0) fail("npm ci", r);
  }
  if (spec.sharedDir && fs.existsSync(spec.sharedDir)) {
    for (const f of fs.readdirSync(spec.sharedDir)) fs.copyFileSync(path.join(spec.sharedDir, f), path.join(spec.contextDir, f));
  }
  onProgress({ percent: INSTALL_SHARE, step: "Building the image" });
  // BUILDKIT_PROGRESS=plain (set for every command here) gives BuildKit's steps line by line; the classic builder prints "Step i/n".
  const args = ["build", "--force-rm", "-t", spec.image];
  if (process.env.BASE_IMAGE) args.push("--build-arg", `BASE_IMAGE=${process.env.BASE_IMAGE}`);
  let last = INSTALL_SHARE;
  const r = await run("docker", [...args, spec.contextDir], spec.contextDir, (line) => {
    const s = parseBuildStep(line);
    if (!s) return;
    // A step counts once it started; the last one reaches 99 (100 is "built").
    const percent = Math.min(99, INSTALL_SHARE + Math.floor(((100 - INSTALL_SHARE) * (s.done - 1)) / s.total) + 1);
    if (percent > last) {
      last = percent;
      onProgress({ percent, step: s.step });
    }
  });
  if (r.code !== 0) fail("docker build", r);
}

// Captures real Claude Code stream-json output against the scripted Messages API into
// workers/cli/fixtures (run: CLAUDE_BIN=/path/to/claude npx tsx tests/support/capture-claude-fixtures.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { startAnthropicApi } from "./anthropic-api";

const api = await startAnthropicApi();
const run = (script: string, out: string) =>
  new Promise<void>((resolve) => {
    const cwd = fs.mkdtempSync("/tmp/ccwork-");
    const home = fs.mkdtempSync("/tmp/cchome-");
    const p = spawn(process.env.CLAUDE_BIN ?? "claude", ["-p", `[script:${script}] Working directory: ${cwd} please do the task`, "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--model", "claude-sonnet-4-6", "--max-turns", "5"], {
      cwd,
      env: { NODE_ENV: "production", PATH: process.env.PATH!, HOME: home, ANTHROPIC_BASE_URL: api.url, CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-fixture", DISABLE_TELEMETRY: "1", DISABLE_AUTOUPDATER: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", CLAUDE_CODE_MAX_RETRIES: "0", IS_SANDBOX: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let o = "";
    let e = "";
    p.stdout.on("data", (d: Buffer) => (o += d.toString()));
    p.stderr.on("data", (d: Buffer) => (e += d.toString()));
    p.on("exit", (code: number | null) => {
      fs.writeFileSync(out, o);
      console.log(script, "exit", code, "stderr:", e.slice(0, 300), "file:", fs.existsSync(`${cwd}/hello.txt`));
      resolve();
    });
  });
const dir = process.argv[2] ?? "workers/cli/fixtures";
fs.mkdirSync(dir, { recursive: true });
await run("plain", `${dir}/claude-plain.jsonl`);
await run("tool-write", `${dir}/claude-tool-write.jsonl`);
await run("error", `${dir}/claude-error.jsonl`);
await api.close();

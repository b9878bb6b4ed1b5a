import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/server";

const root = path.resolve(import.meta.dirname, "../..");

describe("starting the production server", () => {
  it("exits with status 1 naming the bad setting, instead of serving 500s", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-badenv-"));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DISPATCH_DATA_DIR: dataDir, NEXTAUTH_SECRET: "too-short" };
    delete env.DATABASE_URL;
    const child = spawn(path.join(root, "node_modules/.bin/next"), ["start", "-p", String(await freePort()), "-H", "127.0.0.1"], { cwd: root, env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => (child.kill("SIGKILL"), resolve(null)), 60_000);
      child.once("exit", (c) => (clearTimeout(t), resolve(c)));
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(code, output).toBe(1);
    expect(output).toContain("NEXTAUTH_SECRET: must be at least 32 characters");
  }, 90_000);
});

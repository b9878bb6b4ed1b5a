import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectCliState, restoreCliState } from "./cli-state";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "cli-state-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const me = { uid: process.getuid!(), gid: process.getgid!() };

describe("carrying a CLI's conversation to a follow-up", () => {
  it("keeps the transcript files and writes them back under a new HOME", async () => {
    const home = tmp();
    fs.mkdirSync(path.join(home, ".claude/projects/-work"), { recursive: true });
    fs.writeFileSync(path.join(home, ".claude/projects/-work/abc.jsonl"), '{"said":"secret-token-123"}\n');
    fs.writeFileSync(path.join(home, ".claude.json"), "{}"); // outside the kept folders
    const stored = await collectCliState(home, [".claude/projects"], (s) => s.replace("secret-token-123", "[redacted]"));
    expect(stored).toBeTruthy();

    const next = tmp();
    expect(await restoreCliState(next, stored!, me)).toBe(1);
    expect(fs.readFileSync(path.join(next, ".claude/projects/-work/abc.jsonl"), "utf8")).toBe('{"said":"[redacted]"}\n');
    expect(fs.existsSync(path.join(next, ".claude.json"))).toBe(false);
  });

  it("never follows a link the agent planted, to a file or a folder", async () => {
    const home = tmp();
    const outside = tmp();
    fs.writeFileSync(path.join(outside, "host-secret"), "do not copy");
    fs.mkdirSync(path.join(home, ".claude/projects"), { recursive: true });
    fs.symlinkSync(path.join(outside, "host-secret"), path.join(home, ".claude/projects/link.jsonl"));
    fs.symlinkSync(outside, path.join(home, ".claude/projects/dir"));
    expect(await collectCliState(home, [".claude/projects"], (s) => s)).toBeNull();
  });

  it("has nothing to keep when the CLI wrote nothing", async () => {
    expect(await collectCliState(tmp(), [".claude/projects"], (s) => s)).toBeNull();
  });
});

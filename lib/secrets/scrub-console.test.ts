import { describe, expect, it } from "vitest";
import { scrubConsole } from "./scrub-console";

describe("scrubConsole", () => {
  it("replaces tokens in messages, objects and error stacks, and keeps the rest", () => {
    const lines: string[] = [];
    const push = (...args: unknown[]) => void lines.push(String(args[0]));
    const sink = { log: push, info: push, warn: push, error: push, debug: push };
    scrubConsole(sink);
    const token = "sk-ant-oat01-abcdefghijklmnopqrstuvwxyz";
    sink.error("[worker] upstream said:", { headers: { authorization: `Bearer ${token}` } }, new Error(`bad token ${token}`));
    sink.info("session %s done", "abc");
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain("[redacted]");
    expect(lines[0]).toContain("[worker] upstream said:");
    expect(lines[0]).toContain("Error: bad token [redacted]");
    expect(lines[1]).toBe("session abc done");
  });
});

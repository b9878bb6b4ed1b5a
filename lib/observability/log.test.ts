import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogLines, logFor, routeConsoleToLog } from "./log";
import { addLogContext, withLogContext } from "./log-context";

const TOKENS = ["sk-ant-oat01-AbCdEfGh12345678_xyz", "ya29.a0AfH6SMBexampleexample", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"];

afterEach(() => vi.unstubAllEnvs());

function capture(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const stop = captureLogLines(lines);
  try {
    run();
  } finally {
    stop();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("the structured log", () => {
  it("writes one JSON line with level, time, msg and the context in force", async () => {
    const [line] = capture(() =>
      withLogContext({ sessionId: "s-1", workerId: "w-1", requestId: "r-1" }, () => {
        addLogContext({ workspaceId: "ws-1" });
        logFor("worker").warn({ ms: 12 }, "session taken");
      }),
    );
    expect(line).toMatchObject({ level: "warn", msg: "session taken", component: "worker", sessionId: "s-1", workspaceId: "ws-1", workerId: "w-1", requestId: "r-1", ms: 12 });
    expect(new Date(String(line!.time)).toString()).not.toBe("Invalid Date");
  });

  it("keeps contexts apart across concurrent async work", async () => {
    const lines: string[] = [];
    const stop = captureLogLines(lines);
    await Promise.all(
      ["a", "b"].map((id) =>
        withLogContext({ sessionId: id }, async () => {
          await new Promise((r) => setTimeout(r, id === "a" ? 20 : 1));
          logFor("worker").info(`run ${id}`);
        }),
      ),
    );
    stop();
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; sessionId: string });
    expect(parsed.map((p) => [p.msg, p.sessionId]).sort()).toEqual([["run a", "a"], ["run b", "b"]]);
  });

  it("scrubs provider tokens from every part of a line: message, fields, errors and console output", () => {
    const fake = { log: () => {}, info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as unknown as Console;
    routeConsoleToLog(fake);
    const lines = capture(() => {
      logFor("worker").error(`upstream said ${TOKENS[0]}`);
      logFor("worker").info({ header: `Bearer ${TOKENS[1]}` }, "request");
      logFor("worker").error({ err: new Error(`refused ${TOKENS[2]}`) }, "failed");
      fake.error("[credentials] refreshing failed: %s", TOKENS[0]);
      fake.log({ nested: { token: TOKENS[2] } });
    });
    expect(lines).toHaveLength(5);
    const all = JSON.stringify(lines);
    for (const t of TOKENS) expect(all).not.toContain(t);
    expect(all.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
    expect(lines[3]).toMatchObject({ level: "error", component: "credentials", msg: "refreshing failed: [redacted]" });
  });

  it("LOG_LEVEL sets the floor", () => {
    vi.stubEnv("LOG_LEVEL", "warn");
    const lines = capture(() => {
      logFor("t").info("hidden");
      logFor("t").error("shown");
    });
    expect(lines.map((l) => l.msg)).toEqual(["shown"]);
  });
});

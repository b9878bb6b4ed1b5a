import { afterEach, describe, expect, it, vi } from "vitest";

const load = async () => (await import("@/lib/env")).env;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("observability settings in the environment", () => {
  it.each([
    ["LOG_LEVEL", "loud", "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent"],
    ["WORKER_HTTP_PORT", "http", "WORKER_HTTP_PORT: must be a TCP port number"],
    ["WORKER_HTTP_PORT", "70000", "WORKER_HTTP_PORT: must be a TCP port number"],
    ["DISPATCH_METRICS_TOKEN", "short", "DISPATCH_METRICS_TOKEN: must be at least 16 characters"],
  ])("stops start-up naming %s=%s", async (name, value, message) => {
    vi.stubEnv(name, value);
    const env = await load();
    expect(() => env()).toThrow(message);
  });

  it("takes good values", async () => {
    vi.stubEnv("LOG_LEVEL", "debug");
    vi.stubEnv("WORKER_HTTP_PORT", "9464");
    expect((await load())()).toMatchObject({ LOG_LEVEL: "debug", WORKER_HTTP_PORT: 9464 });
  });
});

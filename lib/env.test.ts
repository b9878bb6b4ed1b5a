import { afterEach, describe, expect, it, vi } from "vitest";

const load = async () => (await import("./env")).env;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("the validated environment", () => {
  it.each([
    ["WORKER_CONCURRENCY", "four", "WORKER_CONCURRENCY: must be a whole number of sessions"],
    ["WORKER_CONCURRENCY", "0", "WORKER_CONCURRENCY: must be at least 1"],
    ["WORKER_STALE_SECONDS", "1.5", "WORKER_STALE_SECONDS: must be a whole number of seconds"],
    ["DISPATCH_DOCKER_TIMEOUT_MS", "-1", "DISPATCH_DOCKER_TIMEOUT_MS: must be at least 100"],
    ["AGENT_CPUS", "lots", "AGENT_CPUS: must be a positive number of CPUs"],
  ])("stops start-up naming %s=%s instead of falling back", async (name, value, message) => {
    vi.stubEnv(name, value);
    const env = await load();
    expect(() => env()).toThrow(message);
  });

  it("takes good worker settings and leaves unset ones to their defaults", async () => {
    vi.stubEnv("WORKER_CONCURRENCY", "8");
    vi.stubEnv("AGENT_CPUS", "0.5");
    vi.stubEnv("WORKER_GRACE_MS", "");
    const env = (await load())();
    expect(env).toMatchObject({ WORKER_CONCURRENCY: 8, AGENT_CPUS: 0.5 });
    expect(env.WORKER_GRACE_MS).toBeUndefined();
  });
});

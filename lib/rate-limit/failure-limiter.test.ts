import { describe, expect, it } from "vitest";
import { DispatchError } from "@/lib/errors";
import { captureLogLines } from "@/lib/observability/log";
import { MemoryCounterStore } from "./counter-store";
import { FailureLimiter, type Counter } from "./failure-limiter";

const limit = { name: "test", max: 3, windowMs: 60_000 };
const account: Counter = { limit, subject: "ada" };
const address: Counter = { limit, subject: "203.0.113.9" };

function setup() {
  let now = 1_000_000;
  const limiter = new FailureLimiter(new MemoryCounterStore(() => now));
  const wrong = () => limiter.attempt([account, address], "signin", async () => null, { failed: (u) => !u, resetOnSuccess: [account] });
  const right = () => limiter.attempt([account, address], "signin", async () => "ada", { failed: (u) => !u, resetOnSuccess: [account] });
  return { limiter, wrong, right, advance: (ms: number) => (now += ms) };
}

describe("FailureLimiter", () => {
  it("refuses once the failures reach the limit, with a Retry-After of what is left of the window", async () => {
    const { wrong, right, advance } = setup();
    for (let i = 0; i < 3; i++) await wrong();
    advance(20_000);
    const refused = await right().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DispatchError);
    expect(refused).toMatchObject({ code: "rate_limit:signin", retryAfterSeconds: 40, message: "Too many attempts, try again in 1 minute." });
    const res = (refused as DispatchError).toResponse();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("40");
  });

  it("lets the right password in once the window has passed", async () => {
    const { wrong, right, advance } = setup();
    for (let i = 0; i < 3; i++) await wrong();
    advance(60_000);
    expect(await right()).toBe("ada");
  });

  it("a success clears the account's count, not the address's", async () => {
    const { limiter, wrong, right } = setup();
    await wrong();
    await wrong();
    await right();
    const other: Counter = { limit, subject: "grace" };
    // The address is at 2 of 3: one more failure from it, for anyone, fills it.
    await limiter.attempt([other, address], "signin", async () => null, { failed: (u) => !u });
    await expect(limiter.assertAllowed([{ limit, subject: "someone-else" }, address], "signin")).rejects.toMatchObject({ code: "rate_limit:signin" });
    await expect(limiter.assertAllowed([account], "signin")).resolves.toBeUndefined();
  });

  it("counts refused input, not failures of our own (a database outage locks nobody out)", async () => {
    const { limiter } = setup();
    const refuse = () => limiter.attempt([address], "token", async () => Promise.reject(new DispatchError("bad_request:connection", "no")));
    const outage = () => limiter.attempt([address], "token", async () => Promise.reject(new Error("connection refused")));
    for (let i = 0; i < 5; i++) await outage().catch(() => undefined);
    await expect(limiter.assertAllowed([address], "token")).resolves.toBeUndefined();
    for (let i = 0; i < 3; i++) await refuse().catch(() => undefined);
    await expect(refuse()).rejects.toMatchObject({ code: "rate_limit:token" });
  });

  it("lets attempts through when the counters cannot be reached", async () => {
    const broken = { hit: () => Promise.reject(new Error("down")), peek: () => Promise.reject(new Error("down")), clear: () => Promise.reject(new Error("down")), close: async () => undefined };
    const limiter = new FailureLimiter(broken);
    const lines: string[] = [];
    const stop = captureLogLines(lines);
    try {
      expect(await limiter.attempt([address], "signin", async () => "ok")).toBe("ok");
    } finally {
      stop();
    }
    expect(lines.some((l) => l.includes("counters unavailable, not limiting"))).toBe(true);
  });
});

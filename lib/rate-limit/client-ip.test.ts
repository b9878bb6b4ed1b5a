import { describe, expect, it } from "vitest";
import { clientIp, UNKNOWN_ADDRESS } from "./client-ip";

const xff = (value: string) => new Headers({ "x-forwarded-for": value });

describe("clientIp", () => {
  it("ignores X-Forwarded-For unless proxies are trusted: without one it is the client's own word", () => {
    expect(clientIp(xff("203.0.113.9"), undefined)).toBe(UNKNOWN_ADDRESS);
    expect(clientIp(xff("203.0.113.9"), "0")).toBe(UNKNOWN_ADDRESS);
  });

  it("behind N trusted proxies takes the N-th address from the right, not what the client put in front", () => {
    expect(clientIp(xff("203.0.113.9"), "1")).toBe("203.0.113.9");
    expect(clientIp(xff("6.6.6.6, 203.0.113.9"), "1")).toBe("203.0.113.9");
    expect(clientIp(xff("6.6.6.6, 203.0.113.9, 10.0.0.2"), "2")).toBe("203.0.113.9");
    expect(clientIp({ "x-forwarded-for": "2001:DB8::1" }, "1")).toBe("2001:db8::1");
  });

  it("refuses what is not an address (it becomes part of a counter's key)", () => {
    expect(clientIp(xff("evil:key*"), "1")).toBe(UNKNOWN_ADDRESS);
    expect(clientIp(new Headers(), "1")).toBe(UNKNOWN_ADDRESS);
    expect(clientIp(xff("203.0.113.9"), "lots")).toBe(UNKNOWN_ADDRESS);
  });
});

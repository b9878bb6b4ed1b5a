import { describe, expect, it } from "vitest";
import { eventCount } from "./cursor";

describe("eventCount", () => {
  it("reads plain digits, capping numbers no log reaches", () => {
    expect(eventCount("0")).toBe(0);
    expect(eventCount("42")).toBe(42);
    expect(eventCount("99999999999")).toBe(99_999_999_999);
    expect(eventCount("9".repeat(60))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses anything else", () => {
    for (const v of ["", "-1", "1.5", "1e3", "0x10", " 1", "1 ", "١٢"]) expect(eventCount(v), v).toBeNull();
  });
});

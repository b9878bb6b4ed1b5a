import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatTokens } from "./format";

describe("session figures", () => {
  it("formats durations from tenths of a second to hours", () => {
    expect([420, 9_950, 42_000, 185_000, 3_725_000].map(formatDuration)).toEqual(["0.4 s", "9.9 s", "42 s", "3 m 05 s", "1 h 02 m"]);
  });
  it("formats tokens and costs compactly without rounding a small cost to zero", () => {
    expect([56, 1234, 250_400].map(formatTokens)).toEqual(["56", "1.2k", "250k"]);
    expect([0.004542, 1.5].map(formatCost)).toEqual(["$0.0045", "$1.50"]);
  });
});

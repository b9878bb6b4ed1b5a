import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatTokens, ordinal } from "./format";

describe("session figures", () => {
  it("formats durations from tenths of a second to hours", () => {
    expect([420, 9_950, 42_000, 185_000, 3_725_000].map(formatDuration)).toEqual(["0.4 s", "9.9 s", "42 s", "3 m 05 s", "1 h 02 m"]);
  });
  it("formats tokens and costs compactly without rounding a small cost to zero", () => {
    expect([56, 1234, 250_400].map(formatTokens)).toEqual(["56", "1.2k", "250k"]);
    expect([0.004542, 1.5].map(formatCost)).toEqual(["$0.0045", "$1.50"]);
  });
});

describe("places in line", () => {
  it("reads as ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th", "112th"]);
  });
});

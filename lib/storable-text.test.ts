import { describe, expect, it } from "vitest";
import { findUnstorableString, stringProblem } from "./storable-text";

describe("findUnstorableString", () => {
  it("finds a NUL or a lone surrogate anywhere, keys included, with its path", () => {
    expect(findUnstorableString({ a: [1, { b: "x\u0000" }] })).toEqual({ path: ["a", 1, "b"], problem: "nul" });
    expect(findUnstorableString({ list: ["ok", "\udc00"] })).toEqual({ path: ["list", 1], problem: "surrogate" });
    expect(findUnstorableString({ "k\u0000": 1 })).toEqual({ path: ["k\u0000"], problem: "nul" });
    expect(findUnstorableString("\ud800")).toEqual({ path: [], problem: "surrogate" });
  });

  it("accepts well-formed text, emoji (surrogate pairs) included", () => {
    expect(findUnstorableString({ a: "héllo 😀 \u200b", n: 1, b: null, c: [true] })).toBeNull();
    expect(stringProblem("😀")).toBeNull();
  });

  it("walks 20,000 levels without overflowing the stack", () => {
    let v: unknown = "\u0000";
    for (let i = 0; i < 20_000; i++) v = [v];
    expect(findUnstorableString(v)?.problem).toBe("nul");
  });
});

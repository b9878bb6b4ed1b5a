import { describe, expect, it } from "vitest";
import { slugSchema } from "./schemas";

describe("workspace slugs", () => {
  it.each(["acme", "acme-inc", "a1", "team-42-x"])("accepts %j", (slug) => {
    expect(slugSchema.parse(slug)).toBe(slug);
  });
  it.each([
    ["Acme", "lower-case"],
    ["a", "at least 2"],
    ["acme--inc", "single hyphens"],
    ["-acme", "single hyphens"],
    ["signin", "reserved"],
    ["x".repeat(41), "at most 40"],
  ])("rejects %j with a reason", (slug, reason) => {
    const result = slugSchema.safeParse(slug);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(reason);
  });
});

import { describe, expect, it } from "vitest";
import { formatRelative } from "./relative-time";

describe("formatRelative", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  it.each([
    [10, "just now"],
    [130, "2 minutes ago"],
    [3 * 3600, "3 hours ago"],
    [26 * 3600, "yesterday"],
    [15 * 86400, "2 weeks ago"],
  ])("%i seconds ago reads %j", (s, text) => {
    expect(formatRelative(ago(s), now)).toBe(text);
  });
});

import { describe, expect, it } from "vitest";
import { buildPrompt, type PromptInput } from "./prompt";

const base: PromptInput = {
  issueKey: "WEB-12",
  title: "Login test fails",
  description: "The `login` test fails on CI.",
  comments: [
    { author: "Ada", text: "It started after the upgrade." },
    { author: "Bob", text: "@claude-opus:fix-bug make the failing test pass" },
  ],
  skill: { name: "Fix bug", instructions: "Write a failing test first." },
  request: "@claude-opus:fix-bug make the failing test pass",
  mode: "autonomous",
};

describe("buildPrompt", () => {
  it("puts the issue, the discussion, the skill and the request in that order", () => {
    const p = buildPrompt(base);
    const order = ["issue WEB-12: Login test fails", "The `login` test fails on CI.", "- Ada: It started after the upgrade.", "## Skill: Fix bug", "Write a failing test first.", "## Request"];
    const positions = order.map((s) => p.indexOf(s));
    expect(positions.every((x) => x >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(p.trimEnd().endsWith("make the failing test pass")).toBe(true);
  });

  it("tells a comment-only agent not to change files, and omits missing parts", () => {
    const p = buildPrompt({ ...base, mode: "comment_only", skill: null, comments: [], description: "" });
    expect(p).toContain("Do not change any files");
    expect(p).toContain("(no description)");
    expect(p).not.toContain("## Skill");
    expect(p).not.toContain("## Recent comments");
  });

  it("bounds long descriptions and keeps only the last ten comments", () => {
    const p = buildPrompt({
      ...base,
      description: "x".repeat(30_000),
      comments: Array.from({ length: 15 }, (_, i) => ({ author: `U${i}`, text: `comment ${i}` })),
    });
    expect(p).toContain("[… 10000 characters cut]");
    expect(p).not.toContain("- U4: comment 4");
    expect(p).toContain("- U5: comment 5");
    expect(p).toContain("- U14: comment 14");
  });
});

import { describe, expect, it } from "vitest";
import { parseNumstat } from "./checkout";

describe("parseNumstat", () => {
  it("reads additions, deletions, binary files and renames from `git diff --numstat -z`", () => {
    const out = ["3\t1\tsrc/a.ts", "-\t-\timg/logo.png", "0\t0\t", "old name.txt", "new name.txt", "12\t0\tdocs/with space.md", ""].join("\0");
    expect(parseNumstat(out)).toEqual([
      { path: "src/a.ts", additions: 3, deletions: 1 },
      { path: "img/logo.png", additions: 0, deletions: 0 },
      { path: "new name.txt", additions: 0, deletions: 0 },
      { path: "docs/with space.md", additions: 12, deletions: 0 },
    ]);
  });
  it("is empty for no changes", () => expect(parseNumstat("")).toEqual([]));
});

import { describe, expect, it } from "vitest";
import { gitHeaderPaths, parseUnifiedDiff, toSessionDiff } from "./diff";

// Real `git diff base head` output (git 2.x, rename detection on), one file per case.
const PATCH = [
  "diff --git a/added.go b/added.go",
  "new file mode 100644",
  "index 0000000..3e75765",
  "--- /dev/null",
  "+++ b/added.go",
  "@@ -0,0 +1 @@",
  "+new",
  "diff --git a/bin.dat b/bin.dat",
  "index 8352675..1592e5c 100644",
  "Binary files a/bin.dat and b/bin.dat differ",
  'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
  "index f2ad6c7..4bcfe98 100644",
  '--- "a/caf\\303\\251.txt"',
  '+++ "b/caf\\303\\251.txt"',
  "@@ -1 +1 @@",
  "-c",
  "+d",
  "diff --git a/multi.ts b/multi.ts",
  "index b03757e..390076c 100644",
  "--- a/multi.ts",
  "+++ b/multi.ts",
  "@@ -1,5 +1,5 @@",
  " a",
  "-b",
  "+B",
  " c",
  " d",
  " e",
  "@@ -11,6 +11,6 @@ j",
  " k",
  " l",
  " m",
  "-n",
  "+N",
  " o",
  " p",
  "diff --git a/my file.txt b/my file.txt",
  "index 45b983b..37d4e6c 100644",
  "--- a/my file.txt\t",
  "+++ b/my file.txt\t",
  "@@ -1 +1 @@",
  "-hi",
  "+hi there",
  "diff --git a/nonl.txt b/nonl.txt",
  "index 1b32298..206b378 100644",
  "--- a/nonl.txt",
  "+++ b/nonl.txt",
  "@@ -1,2 +1,2 @@",
  " x",
  "-y",
  "\\ No newline at end of file",
  "+z",
  "diff --git a/old.txt b/old.txt",
  "deleted file mode 100644",
  "index 286c5f5..0000000",
  "--- a/old.txt",
  "+++ /dev/null",
  "@@ -1 +0,0 @@",
  "-gone",
  "diff --git a/from name.md b/to name.md",
  "similarity index 61%",
  "rename from from name.md",
  "rename to to name.md",
  "index bcf3b32..353c0cb 100644",
  "--- a/from name.md\t",
  "+++ b/to name.md\t",
  "@@ -1,4 +1,4 @@",
  " rename me",
  " line2",
  " line3",
  "-line4",
  "+line4 changed",
  "",
].join("\n");

const summary = (patch: string) => parseUnifiedDiff(patch).files.map((f) => [f.path, f.old_path, f.status, f.additions, f.deletions, f.binary]);

describe("parseUnifiedDiff", () => {
  it("reads each file's path, status, counts and binary flag", () => {
    expect(summary(PATCH)).toEqual([
      ["added.go", null, "added", 1, 0, false],
      ["bin.dat", null, "modified", 0, 0, true],
      ["café.txt", null, "modified", 1, 1, false],
      ["multi.ts", null, "modified", 2, 2, false],
      ["my file.txt", null, "modified", 1, 1, false],
      ["nonl.txt", null, "modified", 1, 1, false],
      ["old.txt", null, "deleted", 0, 1, false],
      ["to name.md", "from name.md", "renamed", 1, 1, false],
    ]);
    expect(parseUnifiedDiff(PATCH).truncated).toBe(false);
  });

  it("numbers the lines of every hunk from its header", () => {
    const multi = parseUnifiedDiff(PATCH).files.find((f) => f.path === "multi.ts")!;
    expect(multi.hunks.map((h) => h.header)).toEqual(["@@ -1,5 +1,5 @@", "@@ -11,6 +11,6 @@ j"]);
    expect(multi.hunks[1]!.lines).toEqual([
      { kind: "ctx", text: "k", old_no: 11, new_no: 11 },
      { kind: "ctx", text: "l", old_no: 12, new_no: 12 },
      { kind: "ctx", text: "m", old_no: 13, new_no: 13 },
      { kind: "del", text: "n", old_no: 14, new_no: null },
      { kind: "add", text: "N", old_no: null, new_no: 14 },
      { kind: "ctx", text: "o", old_no: 15, new_no: 15 },
      { kind: "ctx", text: "p", old_no: 16, new_no: 16 },
    ]);
    const added = parseUnifiedDiff(PATCH).files[0]!;
    expect(added.hunks[0]!.lines).toEqual([{ kind: "add", text: "new", old_no: null, new_no: 1 }]);
  });

  it("keeps “No newline at end of file” as a note without line numbers", () => {
    const nonl = parseUnifiedDiff(PATCH).files.find((f) => f.path === "nonl.txt")!;
    expect(nonl.hunks[0]!.lines.map((l) => [l.kind, l.text, l.old_no, l.new_no])).toEqual([
      ["ctx", "x", 1, 1],
      ["del", "y", 2, null],
      ["note", "No newline at end of file", null, null],
      ["add", "z", null, 2],
    ]);
  });

  it("reads a note after the last line of a hunk and before the next file", () => {
    const files = parseUnifiedDiff(["diff --git a/a b/a", "--- a/a", "+++ b/a", "@@ -1 +1 @@", "-x", "+y", "\\ No newline at end of file", "diff --git a/b b/b", "--- a/b", "+++ b/b", "@@ -1 +1 @@", "-1", "+2", ""].join("\n")).files;
    expect(files.map((f) => [f.path, f.hunks[0]!.lines.map((l) => l.kind)])).toEqual([
      ["a", ["del", "add", "note"]],
      ["b", ["del", "add"]],
    ]);
  });

  it("marks added, deleted and pure renames without hunks, and mode changes as modified", () => {
    const patch = [
      "diff --git a/added.go b/added.go",
      "old mode 100644",
      "new mode 100755",
      "diff --git a/bin.dat b/bin.dat",
      "deleted file mode 100644",
      "index 1592e5c..0000000",
      "Binary files a/bin.dat and /dev/null differ",
      "diff --git a/keep.txt b/kept file.txt",
      "similarity index 100%",
      "rename from keep.txt",
      "rename to kept file.txt",
      "diff --git a/new bin.png b/new bin.png",
      "new file mode 100644",
      "index 0000000..ba01f6b",
      "Binary files /dev/null and b/new bin.png differ",
      "diff --git a/empty.txt b/empty.txt",
      "new file mode 100644",
      "index 0000000..e69de29",
      "",
    ].join("\n");
    expect(summary(patch)).toEqual([
      ["added.go", null, "modified", 0, 0, false],
      ["bin.dat", null, "deleted", 0, 0, true],
      ["kept file.txt", "keep.txt", "renamed", 0, 0, false],
      ["new bin.png", null, "added", 0, 0, true],
      ["empty.txt", null, "added", 0, 0, false],
    ]);
    expect(parseUnifiedDiff(patch).files.every((f) => f.hunks.length === 0)).toBe(true);
  });

  it("goes by the hunk's counts, so removed lines that look like headers stay lines", () => {
    const patch = ["diff --git a/notes.md b/notes.md", "--- a/notes.md", "+++ b/notes.md", "@@ -1,3 +1 @@", "--- a/x", "-+++ b/y", "", "\\ No newline at end of file", ""].join("\n");
    const [f] = parseUnifiedDiff(patch).files;
    expect(f!.hunks[0]!.lines).toEqual([
      { kind: "del", text: "-- a/x", old_no: 1, new_no: null },
      { kind: "del", text: "+++ b/y", old_no: 2, new_no: null },
      { kind: "ctx", text: "", old_no: 3, new_no: 1 },
      { kind: "note", text: "No newline at end of file", old_no: null, new_no: null },
    ]);
    expect(f).toMatchObject({ additions: 0, deletions: 2 });
  });

  it("reads the truncation note: flags the diff and marks where the cut happened", () => {
    // workers/git/checkout.ts cuts at 1 MB, possibly mid-line, and appends this line.
    const cut = `${PATCH.slice(0, PATCH.indexOf("-line4"))}-li\n… (diff truncated at 1 MB)\n`;
    const parsed = parseUnifiedDiff(cut);
    expect(parsed.truncated).toBe(true);
    const last = parsed.files.at(-1)!;
    expect(last.path).toBe("to name.md");
    expect(last.hunks[0]!.lines.slice(-2)).toEqual([
      { kind: "del", text: "li", old_no: 4, new_no: null },
      { kind: "note", text: "Diff truncated here", old_no: null, new_no: null },
    ]);
    expect(parsed.files.flatMap((f) => f.hunks.flatMap((h) => h.lines)).some((l) => l.text.includes("1 MB"))).toBe(false);
  });

  it("drops a file whose header the cut left unreadable", () => {
    const parsed = parseUnifiedDiff(`${PATCH}diff --git a/sr\n… (diff truncated at 1 MB)\n`);
    expect(parsed.truncated).toBe(true);
    expect(parsed.files.map((f) => f.path).at(-1)).toBe("to name.md");
  });

  it("reads an empty patch and text before the first file as no files", () => {
    expect(parseUnifiedDiff("")).toEqual({ files: [], truncated: false });
    expect(parseUnifiedDiff("commit abc\n\n    message\n")).toEqual({ files: [], truncated: false });
  });

  it("keeps CRLF text and tabs as they are", () => {
    const [f] = parseUnifiedDiff(["diff --git a/w.bat b/w.bat", "--- a/w.bat", "+++ b/w.bat", "@@ -1 +1 @@", "-echo\tone\r", "+echo\ttwo\r", ""].join("\n")).files;
    expect(f!.hunks[0]!.lines.map((l) => l.text)).toEqual(["echo\tone\r", "echo\ttwo\r"]);
  });

  it("serves the stored commit's diff with its sha and branch", () => {
    const body = toSessionDiff({ commitSha: "abc123", branch: "dispatch/web-1", diffPatch: PATCH });
    expect(body).toMatchObject({ commit_sha: "abc123", branch: "dispatch/web-1", truncated: false });
    expect(body.files).toHaveLength(8);
  });
});

describe("gitHeaderPaths", () => {
  it("splits the diff --git line, with spaces, quotes and renames", () => {
    expect(gitHeaderPaths("a/my file.txt b/my file.txt")).toEqual(["my file.txt", "my file.txt"]);
    expect(gitHeaderPaths("a/a b/c b/a b/c")).toEqual(["a b/c", "a b/c"]);
    expect(gitHeaderPaths("a/old.txt b/new.txt")).toEqual(["old.txt", "new.txt"]);
    expect(gitHeaderPaths('"a/tab\\there" "b/tab\\there"')).toEqual(["tab\there", "tab\there"]);
    expect(gitHeaderPaths('a/plain "b/caf\\303\\251"')).toEqual(["plain", "café"]);
    expect(gitHeaderPaths("a/cut-off")).toEqual([null, null]);
  });
});

/**
 * Reads the unified diff the worker stores for a session's commit (`git diff base..head`) into
 * files, hunks and numbered lines. Pure: the route serves its output and the browser renders it.
 * The patch is agent output, so nothing here trusts it to be well formed: anything unexpected
 * is skipped rather than thrown on, and the result is plain text for the UI to escape.
 */

export type DiffStatus = "added" | "deleted" | "modified" | "renamed";
export type DiffLineKind = "add" | "del" | "ctx" | "note";

/** `note` is git's "\ No newline at end of file" (or where the stored patch was cut); it has no line numbers. */
export type DiffLine = { kind: DiffLineKind; text: string; old_no: number | null; new_no: number | null };
export type DiffHunk = { header: string; lines: DiffLine[] };
export type DiffFile = {
  path: string;
  /** The path before a rename (or copy); null otherwise. */
  old_path: string | null;
  status: DiffStatus;
  additions: number;
  deletions: number;
  binary: boolean;
  hunks: DiffHunk[];
};
export type ParsedDiff = { files: DiffFile[]; truncated: boolean };

/** The body of GET …/agent/sessions/[id]/diff. */
export type SessionDiff = ParsedDiff & { commit_sha: string | null; branch: string | null };

/** The line workers/git/checkout.ts appends when it cuts a patch at its size limit. */
const TRUNCATION_NOTE = /^…\s*\(diff truncated\b[^)]*\)\s*$/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

type FileState = {
  headerOld: string | null;
  headerNew: string | null;
  /** From `---` / `+++`; null is /dev/null, undefined is "not seen". */
  minus: string | null | undefined;
  plus: string | null | undefined;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  created: boolean;
  deleted: boolean;
  binary: boolean;
  hunks: DiffHunk[];
};

export function parseUnifiedDiff(patch: string): ParsedDiff {
  const lines = patch.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let truncated = false;
  if (lines.length > 0 && TRUNCATION_NOTE.test(lines.at(-1)!)) {
    truncated = true;
    lines.pop();
  }

  const files: DiffFile[] = [];
  let file: FileState | null = null;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;

  for (const raw of lines) {
    // Inside a hunk its counts, not the first character, say where it ends: a removed line
    // reading "-- a/x" must not be taken for a `---` header.
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const c = raw[0];
      if (c === "+") {
        hunk.lines.push({ kind: "add", text: raw.slice(1), old_no: null, new_no: newNo++ });
        newLeft--;
        continue;
      }
      if (c === "-") {
        hunk.lines.push({ kind: "del", text: raw.slice(1), old_no: oldNo++, new_no: null });
        oldLeft--;
        continue;
      }
      // An empty line is a blank context line whose leading space an editor or mailer stripped.
      if (c === " " || raw === "") {
        hunk.lines.push({ kind: "ctx", text: raw.slice(1), old_no: oldNo++, new_no: newNo++ });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (c === "\\") {
        hunk.lines.push(noteLine(raw));
        continue;
      }
      hunk = null; // a short hunk: read the line as a header below
    }

    if (raw.startsWith("\\") && hunk) {
      hunk.lines.push(noteLine(raw));
      continue;
    }
    if (raw.startsWith("diff --git ")) {
      if (file) pushFile(files, file);
      const [headerOld, headerNew] = gitHeaderPaths(raw.slice("diff --git ".length));
      file = { headerOld, headerNew, minus: undefined, plus: undefined, created: false, deleted: false, binary: false, hunks: [] };
      hunk = null;
      continue;
    }
    if (!file) continue; // text before the first file (a commit message, say)

    const h = HUNK_HEADER.exec(raw);
    if (h) {
      hunk = { header: raw, lines: [] };
      file.hunks.push(hunk);
      oldNo = Number(h[1]);
      newNo = Number(h[3]);
      oldLeft = h[2] === undefined ? 1 : Number(h[2]);
      newLeft = h[4] === undefined ? 1 : Number(h[4]);
      continue;
    }
    if (file.hunks.length > 0) continue; // stray lines after a hunk's counts ran out
    readExtendedHeader(file, raw);
  }
  if (file) pushFile(files, file);

  // Show where the cut happened, in the file it happened in.
  if (truncated) files.at(-1)?.hunks.at(-1)?.lines.push({ kind: "note", text: "Diff truncated here", old_no: null, new_no: null });
  return { files, truncated };
}

/** The route's body: the stored commit's diff, parsed. */
export function toSessionDiff(s: { commitSha: string | null; branch: string | null; diffPatch: string }): SessionDiff {
  return { commit_sha: s.commitSha, branch: s.branch, ...parseUnifiedDiff(s.diffPatch) };
}

function noteLine(raw: string): DiffLine {
  return { kind: "note", text: raw.slice(1).trim(), old_no: null, new_no: null };
}

function readExtendedHeader(file: FileState, raw: string) {
  const after = (prefix: string) => (raw.startsWith(prefix) ? raw.slice(prefix.length) : undefined);
  let v: string | undefined;
  if (raw.startsWith("new file mode")) file.created = true;
  else if (raw.startsWith("deleted file mode")) file.deleted = true;
  else if ((v = after("rename from ")) !== undefined) file.renameFrom = unquotePath(v);
  else if ((v = after("rename to ")) !== undefined) file.renameTo = unquotePath(v);
  else if ((v = after("copy from ")) !== undefined) file.copyFrom = unquotePath(v);
  else if ((v = after("copy to ")) !== undefined) file.copyTo = unquotePath(v);
  else if ((v = after("--- ")) !== undefined) file.minus = markerPath(v, "a/");
  else if ((v = after("+++ ")) !== undefined) file.plus = markerPath(v, "b/");
  else if (raw.startsWith("Binary files ") || raw === "GIT binary patch") {
    file.binary = true;
    // "Binary files a/x and b/x differ": paths are ambiguous here, but /dev/null is not.
    if (raw.startsWith("Binary files /dev/null and ")) file.minus = null;
    if (raw.endsWith(" and /dev/null differ")) file.plus = null;
  }
  // index, mode, similarity lines and binary patch data carry nothing the view shows.
}

/** Adds the file unless not even its name could be read (a header cut off by the size limit). */
function pushFile(files: DiffFile[], f: FileState) {
  const oldPath = f.renameFrom ?? f.copyFrom ?? f.minus ?? f.headerOld;
  const newPath = f.renameTo ?? f.copyTo ?? f.plus ?? f.headerNew;
  if (!oldPath && !newPath) return;
  const status: DiffStatus =
    f.created || f.minus === null || f.copyTo !== undefined ? "added" : f.deleted || f.plus === null ? "deleted" : f.renameTo !== undefined || f.renameFrom !== undefined ? "renamed" : "modified";
  let additions = 0;
  let deletions = 0;
  for (const h of f.hunks) {
    for (const l of h.lines) {
      if (l.kind === "add") additions++;
      else if (l.kind === "del") deletions++;
    }
  }
  files.push({
    path: (status === "deleted" ? oldPath || newPath : newPath || oldPath)!,
    old_path: status === "renamed" || f.copyFrom !== undefined ? oldPath || null : null,
    status,
    additions,
    deletions,
    binary: f.binary,
    hunks: f.hunks,
  });
}

/** `--- a/path` or `+++ b/path`: git ends a name containing a space with a tab; /dev/null is "no file". */
function markerPath(v: string, prefix: string): string | null {
  const name = v.startsWith('"') ? (readQuoted(v, 0)?.value ?? v) : v.split("\t")[0]!;
  if (name === "/dev/null") return null;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The two paths of `diff --git a/x b/y`. Unquoted names may contain spaces, which makes the
 * line ambiguous; when both sides are the same path (everything but renames) it splits evenly,
 * and renames are settled by their `rename from/to` lines anyway.
 */
export function gitHeaderPaths(rest: string): [string | null, string | null] {
  const strip = (p: string, prefix: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : p);
  if (rest.startsWith('"')) {
    const first = readQuoted(rest, 0);
    if (!first) return [null, null];
    const second = rest.slice(first.end + 1);
    const other = second.startsWith('"') ? (readQuoted(second, 0)?.value ?? null) : second;
    return [strip(first.value, "a/"), other === null ? null : strip(other, "b/")];
  }
  const quotedSecond = rest.indexOf(' "b/');
  if (quotedSecond >= 0) return [strip(rest.slice(0, quotedSecond), "a/"), strip(readQuoted(rest, quotedSecond + 1)?.value ?? "", "b/") || null];
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === " " && rest.slice(2, half) === rest.slice(half + 3)) {
    return [strip(rest.slice(0, half), "a/"), strip(rest.slice(half + 1), "b/")];
  }
  const at = rest.indexOf(" b/");
  if (at < 0) return [null, null];
  return [strip(rest.slice(0, at), "a/"), strip(rest.slice(at + 1), "b/")];
}

function unquotePath(v: string): string {
  return v.startsWith('"') ? (readQuoted(v, 0)?.value ?? v) : v;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** git's C-style quoting: `"caf\303\251.txt"` is UTF-8 bytes written in octal. */
function readQuoted(s: string, start: number): { value: string; end: number } | null {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
    if (c !== "\\") {
      const cp = s.codePointAt(i)!;
      bytes.push(...encoder.encode(String.fromCodePoint(cp)));
      if (cp > 0xffff) i++;
      continue;
    }
    const next = s[i + 1];
    const octal = /^[0-7]{3}/.exec(s.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += 3;
    } else if (next !== undefined && next in ESCAPES) {
      bytes.push(ESCAPES[next]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return null;
}

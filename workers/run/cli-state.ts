import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";

/**
 * A CLI's own conversation files (under the session's HOME), carried from one run to its
 * follow-up so the CLI can resume. The HOME was writable by the agent: only regular files are
 * read, never through a symbolic link, so a planted link cannot make the worker copy its own files.
 */
const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

export async function collectCliState(homeDir: string, dirs: string[], redact: (s: string) => string): Promise<string | null> {
  const files: Record<string, string> = {};
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(homeDir, rel);
    const st = await fs.lstat(abs).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of await fs.readdir(abs)) await walk(path.join(rel, name));
      return;
    }
    if (!st.isFile() || total + st.size > MAX_TOTAL_BYTES) return;
    const handle = await fs.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (!handle) return;
    try {
      files[rel] = redact(await handle.readFile("utf8"));
      total += st.size;
    } finally {
      await handle.close();
    }
  };
  for (const d of dirs) await walk(d);
  if (Object.keys(files).length === 0) return null;
  return gzipSync(JSON.stringify(files)).toString("base64");
}

/** Writes a stored state back under a fresh HOME, owned by the agent's user. */
export async function restoreCliState(homeDir: string, stored: string, owner: { uid: number; gid: number }): Promise<number> {
  const files = JSON.parse(gunzipSync(Buffer.from(stored, "base64")).toString("utf8")) as Record<string, string>;
  let count = 0;
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.resolve(homeDir, rel);
    if (!abs.startsWith(path.resolve(homeDir) + path.sep)) continue;
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content, { mode: 0o600 });
    count++;
  }
  await chownTree(homeDir, owner);
  return count;
}

export async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await fs.chown(dir, owner.uid, owner.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, owner);
    else await fs.lchown(p, owner.uid, owner.gid);
  }
}

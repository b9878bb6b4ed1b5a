import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The embedded default (PGlite in a data folder, a generated key file): what `npm run keys:rotate` meets on a fresh install.
delete process.env.DATABASE_URL;
delete process.env.DISPATCH_ENCRYPTION_KEYS;

import { openDb, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { storeConnection } from "@/db/queries/connections";
import { rotateTokens } from "@/lib/crypto/rotate";
import { keyFile, newKeyEntry, open, parseKeyRing, seal } from "@/lib/crypto/token-box";
import { makeWorkspace } from "./helpers";
import { connectForTest } from "../support/connections";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-rotate-"));
const tokens = [`sk-ant-oat01-${randomBytes(40).toString("base64url")}`, `ya29.a0${randomBytes(60).toString("base64url")}`];
const refresh = `rt-${randomBytes(30).toString("base64url")}`;
const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
let h: DbHandle;

const rows = async () =>
  ((await h.db.execute(sql`select token_key_id, access_token_ciphertext, refresh_token_ciphertext from workspace_connections where kind <> 'github' order by id`)) as unknown as {
    rows: { token_key_id: string; access_token_ciphertext: string; refresh_token_ciphertext: string | null }[];
  }).rows;
const gitRows = async () =>
  ((await h.db.execute(sql`select token_key_id, access_token_ciphertext from workspace_connections where kind = 'github'`)) as unknown as { rows: { token_key_id: string; access_token_ciphertext: string }[] }).rows;
const reopen = () => {
  h = openDb({ pgliteDir: path.join(dir, "pglite") });
  return h;
};

beforeAll(async () => {
  fs.writeFileSync(keyFile(dir), `${newKeyEntry("k1")}\n`, { mode: 0o600 });
  const ring = parseKeyRing(fs.readFileSync(keyFile(dir), "utf8"));
  await prepareDatabase(reopen());
  for (const [i, token] of tokens.entries()) {
    const f = await makeWorkspace(h.db);
    const provider = (await loadCatalog(h.db, f.adminCtx.workspace.id))[i]!;
    const a = seal(ring, token);
    const r = i === 0 ? seal(ring, refresh).ciphertext : null;
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: provider.slug, sealed: a, refreshCiphertext: r });
    if (i === 0) {
      const g = seal(ring, githubToken);
      await storeConnection(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "github", connectedBy: f.admin.id, tokenType: "installation", login: null, keyId: g.keyId, accessTokenCiphertext: g.ciphertext, refreshTokenCiphertext: null, expiresAt: null });
    }
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("keeping tokens sealed", () => {
  it("the raw table holds only ciphertext", async () => {
    const dump = JSON.stringify([await rows(), await gitRows()]);
    for (const t of [...tokens, refresh, githubToken]) expect(dump).not.toContain(t);
    expect((await rows()).map((r) => r.token_key_id)).toEqual(["k1", "k1"]);
  });

  it("a missing key or a wrong key under the same id fails loudly and changes nothing", async () => {
    const before = await rows();
    await expect(rotateTokens(h.db, parseKeyRing(newKeyEntry("k9")))).rejects.toThrow('no encryption key with id k1');
    await expect(rotateTokens(h.db, parseKeyRing(`${newKeyEntry("k9")},${newKeyEntry("k1")}`))).rejects.toThrow('a token sealed with key "k1" does not decrypt');
    expect(await rows()).toEqual(before);
  });

  it("npm run keys:rotate adds a new first key to the key file and re-encrypts every token under it", async () => {
    await h.close(); // PGlite: one process at a time
    const run = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/keys-rotate.ts"], {
      env: { ...process.env, DISPATCH_DATA_DIR: dir },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/3 connection\(s\) re-encrypted under key k[0-9a-z]+; 0 already were/);
    for (const t of [...tokens, refresh, githubToken]) expect(run.stdout + run.stderr).not.toContain(t);

    const ring = parseKeyRing(fs.readFileSync(keyFile(dir), "utf8"));
    expect(ring.current).not.toBe("k1");
    expect([...ring.keys.keys()]).toEqual([ring.current, "k1"]);
    expect(fs.statSync(keyFile(dir)).mode & 0o777).toBe(0o600);

    reopen();
    const after = await rows();
    expect(after.map((r) => r.token_key_id)).toEqual([ring.current, ring.current]);
    // Rows come in id order (random uuids), not in the order they were written.
    expect(after.map((r) => open(ring, { keyId: r.token_key_id, ciphertext: r.access_token_ciphertext })).sort()).toEqual([...tokens].sort());
    const withRefresh = after.filter((r) => r.refresh_token_ciphertext !== null);
    expect(withRefresh.map((r) => open(ring, { keyId: ring.current, ciphertext: r.refresh_token_ciphertext! }))).toEqual([refresh]);
    // The old key alone can no longer read them.
    expect(() => open(parseKeyRing(fs.readFileSync(keyFile(dir), "utf8").split("\n")[1]!), { keyId: ring.current, ciphertext: after[0]!.access_token_ciphertext })).toThrow();

    // The GitHub connection went with them.
    const [git] = await gitRows();
    expect(git!.token_key_id).toBe(ring.current);
    expect(open(ring, { keyId: ring.current, ciphertext: git!.access_token_ciphertext })).toBe(githubToken);

    expect(await rotateTokens(h.db, ring)).toEqual({ rotated: 0, alreadyCurrent: 3, changedMeanwhile: 0 });
  }, 150_000);
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "@/db/migrate";

// The migration that made workspace_connections: every stored model-provider and GitHub
// connection is copied with its ciphertexts as they were (same key id, nothing re-encrypted),
// and authorizations in flight keep their kind.
const folder = migrationsFolder();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-migration-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The migrations folder as it was just before the connections migration. */
function folderBefore(): string {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith("_connections"));
  expect(at).toBeGreaterThan(0);
  fs.mkdirSync(path.join(tmp, "meta"), { recursive: true });
  for (const e of journal.entries.slice(0, at)) fs.copyFileSync(path.join(folder, `${e.tag}.sql`), path.join(tmp, `${e.tag}.sql`));
  fs.writeFileSync(path.join(tmp, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return tmp;
}

describe("the connections migration", () => {
  it("copies the connections of both old tables, ciphertexts as they were, and drops the old columns", async () => {
    const client = new PGlite();
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: folderBefore() });
    const one = async (q: string, params: unknown[] = []) => (await client.query<{ id: string }>(q, params)).rows[0]!.id;
    const user = await one(`insert into users (email, name) values ('ada@example.test', 'Ada') returning id`);
    const w1 = await one(`insert into workspaces (slug, name) values ('one', 'One') returning id`);
    const w2 = await one(`insert into workspaces (slug, name) values ('two', 'Two') returning id`);
    const claude = await one(`insert into agent_providers (slug, name, group_name, cli, image) values ('claude', 'Claude', 'Anthropic', 'claude', 'x') returning id`);
    const gemini = await one(`insert into agent_providers (slug, name, group_name, cli, image) values ('gemini', 'Gemini', 'Google', 'gemini', 'x') returning id`);
    const expires = new Date("2030-01-02T03:04:05Z");
    await client.query(
      `insert into workspace_agent_configs (workspace_id, provider_id, connection_status, access_token_ciphertext, refresh_token_ciphertext, token_key_id, token_expires_at, connected_by, connected_at, max_concurrent_sessions)
       values ($1, $2, 'connected', 'c-access', 'c-refresh', 'k1', $3, $4, now(), 4),
              ($1, $5, 'disconnected', null, null, null, null, null, null, 7),
              ($6, $2, 'needs_reconnect', 'c2-access', null, 'k0', null, null, now(), 3)`,
      [w1, claude, expires, user, gemini, w2],
    );
    await client.query(
      `insert into workspace_git_connections (workspace_id, kind, connection_status, login, access_token_ciphertext, refresh_token_ciphertext, token_key_id, connected_by)
       values ($1, 'installation', 'connected', null, 'g-access', null, 'k1', $3), ($2, 'oauth', 'needs_reconnect', 'octocat', 'g2-access', 'g2-refresh', 'k0', null)`,
      [w1, w2, user],
    );
    await client.query(
      `insert into oauth_states (state_hash, workspace_id, provider_id, user_id, verifier_ciphertext, verifier_key_id, expires_at)
       values ('h-claude', $1, $2, $3, 'v', 'k1', now() + interval '5 minutes'), ('h-github', $1, null, $3, 'v', 'k1', now() + interval '5 minutes')`,
      [w1, claude, user],
    );

    await migrate(db, { migrationsFolder: folder });

    const rows = (
      await client.query<Record<string, unknown>>(
        `select w.slug as workspace, c.kind, c.token_type, c.connection_status, c.login, c.access_token_ciphertext, c.refresh_token_ciphertext, c.token_key_id, c.token_expires_at, c.connected_by
         from workspace_connections c join workspaces w on w.id = c.workspace_id order by w.slug, c.kind`,
      )
    ).rows;
    expect(rows).toEqual([
      { workspace: "one", kind: "claude", token_type: "oauth", connection_status: "connected", login: null, access_token_ciphertext: "c-access", refresh_token_ciphertext: "c-refresh", token_key_id: "k1", token_expires_at: expires, connected_by: user },
      { workspace: "one", kind: "github", token_type: "installation", connection_status: "connected", login: null, access_token_ciphertext: "g-access", refresh_token_ciphertext: null, token_key_id: "k1", token_expires_at: null, connected_by: user },
      { workspace: "two", kind: "claude", token_type: "oauth", connection_status: "needs_reconnect", login: null, access_token_ciphertext: "c2-access", refresh_token_ciphertext: null, token_key_id: "k0", token_expires_at: null, connected_by: null },
      { workspace: "two", kind: "github", token_type: "oauth", connection_status: "needs_reconnect", login: "octocat", access_token_ciphertext: "g2-access", refresh_token_ciphertext: "g2-refresh", token_key_id: "k0", token_expires_at: null, connected_by: null },
    ]);
    // Limits stay where they were; the token columns and the GitHub table are gone.
    expect((await client.query(`select max_concurrent_sessions from workspace_agent_configs order by max_concurrent_sessions`)).rows).toEqual([
      { max_concurrent_sessions: 3 },
      { max_concurrent_sessions: 4 },
      { max_concurrent_sessions: 7 },
    ]);
    const columns = (await client.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'workspace_agent_configs'`)).rows.map((r) => r.column_name);
    expect(columns).not.toContain("access_token_ciphertext");
    expect((await client.query(`select to_regclass('workspace_git_connections') as t`)).rows).toEqual([{ t: null }]);
    expect((await client.query(`select state_hash, kind from oauth_states order by state_hash`)).rows).toEqual([
      { state_hash: "h-claude", kind: "claude" },
      { state_hash: "h-github", kind: "github" },
    ]);
    await client.close();
  }, 60_000);
});

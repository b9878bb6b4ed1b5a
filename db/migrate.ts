import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { DbHandle } from "./client";
import { seed } from "./seed";

export function migrationsFolder(): string {
  // Beside this file under tsx and vitest; bundled into .next it may not be, so fall back to the project root.
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
  return fs.existsSync(path.join(beside, "meta", "_journal.json")) ? beside : path.join(process.cwd(), "db", "migrations");
}

// Any constant: both web and worker migrate at start-up, and must not race.
const MIGRATION_LOCK = 726354;

/** Applies pending migrations and the seed. Safe to call from several processes at once. */
export async function prepareDatabase(handle: DbHandle, url = process.env.DATABASE_URL): Promise<void> {
  const folder = migrationsFolder();
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
  } else {
    if (!url) throw new Error("prepareDatabase: a postgres handle needs its DATABASE_URL");
    // A session-level advisory lock needs one dedicated connection for the whole migration.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await migratePg(drizzlePg(client), { migrationsFolder: folder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
      await client.end();
    }
  }
  await seed(handle.db);
}

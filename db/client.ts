import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema";

export type Schema = typeof schema;
/** A database or a transaction: every query function takes one of these first. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  close: () => Promise<void>;
};

export function dataDir(): string {
  return path.resolve(process.env.DISPATCH_DATA_DIR ?? path.join(process.cwd(), ".data"));
}

/** `DATABASE_URL` set: a node-postgres pool. Unset: PGlite stored under the data folder. */
export function openDb(options: { url?: string; pgliteDir?: string } = {}): DbHandle {
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
    // An idle client dropped by the server must not crash the process.
    pool.on("error", (err) => console.error(`[db] idle client error: ${err.message}`));
    return { db: drizzlePg(pool, { schema }) as unknown as Db, kind: "postgres", close: () => pool.end() };
  }
  const dir = options.pgliteDir ?? path.join(dataDir(), "pglite");
  fs.mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  return { db: drizzlePglite(client, { schema }) as unknown as Db, kind: "pglite", close: () => client.close() };
}

const globalForDb = globalThis as unknown as { __dispatchDb?: DbHandle };

/** The process-wide handle, kept on globalThis so hot reload does not open a second PGlite. */
export function getDbHandle(): DbHandle {
  globalForDb.__dispatchDb ??= openDb();
  return globalForDb.__dispatchDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

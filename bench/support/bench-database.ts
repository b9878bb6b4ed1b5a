// A throwaway PostgreSQL database for one benchmark run: `migrate()` readies it, `seed()` also makes
// a workspace, its admin and a project; `drop()` removes it whatever happened.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDb, type DbHandle } from "../../db/client";
import { prepareDatabase } from "../../db/migrate";
import { createProject } from "../../lib/projects/service";
import { signUp } from "../../lib/users/service";
import { loadWorkspaceContext } from "../../lib/workspaces/access";
import { createWorkspace } from "../../lib/workspaces/service";

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createBenchDatabase() {
  const name = `dispatch_bench_${randomBytes(4).toString("hex")}`;
  /** On the server's own database: for creating, dropping and reading statistics (pg_stat_database) without touching the bench's. */
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on("error", (err) => console.error("[bench] PostgreSQL admin connection:", err.message));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle: DbHandle = openDb({ url: url.toString() });
  const migrate = () => prepareDatabase(handle, url.toString());

  /** Null when the database is gone, else why it could not be dropped. */
  const drop = async (): Promise<string | null> => {
    await handle.close().catch(() => undefined);
    await sleep(200); // pool.end() resolves before its sockets close; a forced drop would make them report errors
    await admin.end().catch(() => undefined);
    // A fresh connection: the first may have been cut (another job on the machine restarting PostgreSQL).
    for (let attempt = 1; ; attempt++) {
      const c = new pg.Client({ connectionString: adminUrl });
      c.on("error", () => undefined);
      try {
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return null;
      } catch (err) {
        if (attempt === 5) return `could not drop ${name}: ${err instanceof Error ? err.message : String(err)}`;
        await sleep(2000);
      } finally {
        await c.end().catch(() => undefined);
      }
    }
  };

  return {
    name,
    handle,
    admin,
    /** For another process (e.g. a `next start` the bench reads from). */
    url: url.toString(),
    migrate,
    drop,
    /** Migrates, then makes the admin, workspace and project the runs happen in. */
    async seed() {
      await migrate();
      const db = handle.db;
      const user = await signUp(db, { name: "Bench", email: `bench-${name}@example.test`, password: "bench-password" });
      const ws = await createWorkspace(db, user.id, { name: "Bench", slug: `bench-${randomBytes(3).toString("hex")}` });
      const ctx = await loadWorkspaceContext(db, ws.slug, user.id);
      const project = await createProject(db, ctx, { name: "Bench", identifier: "BEN" });
      return { db, user, ws, ctx, project };
    },
  };
}

/** Drops the database, saying on stderr when it could not. */
export async function dropOrWarn(database: { drop: () => Promise<string | null> }): Promise<void> {
  const problem = await database.drop();
  if (problem) console.error(`[bench] ${problem}`);
}

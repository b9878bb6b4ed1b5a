// A throwaway PostgreSQL database for one benchmark run, migrated, with a workspace, its admin and
// a project ready; `drop()` removes it whatever happened.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDb, type DbHandle } from "../../db/client";
import { prepareDatabase } from "../../db/migrate";
import { createProject } from "../../lib/projects/service";
import { signUp } from "../../lib/users/service";
import { loadWorkspaceContext } from "../../lib/workspaces/access";
import { createWorkspace } from "../../lib/workspaces/service";

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function createBenchDatabase() {
  const dbName = `dispatch_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle: DbHandle = openDb({ url: url.toString() });
  const drop = async () => {
    await handle.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  };
  return {
    handle,
    /** For another process (e.g. a `next start` the bench reads from). */
    url: url.toString(),
    drop,
    /** Migrates, then makes the admin, workspace and project the runs happen in. */
    async seed() {
      await prepareDatabase(handle, url.toString());
      const db = handle.db;
      const user = await signUp(db, { name: "Bench", email: `bench-${dbName}@example.test`, password: "bench-password" });
      const ws = await createWorkspace(db, user.id, { name: "Bench", slug: `bench-${randomBytes(3).toString("hex")}` });
      const ctx = await loadWorkspaceContext(db, ws.slug, user.id);
      const project = await createProject(db, ctx, { name: "Bench", identifier: "BEN" });
      return { db, user, ws, ctx, project };
    },
  };
}

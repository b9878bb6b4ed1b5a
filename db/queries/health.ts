import fs from "node:fs";
import path from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentProviders, agentSessions } from "../schema";

/** node-postgres answers `{ rows }`, PGlite the same through drizzle; an array is tolerated too. */
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? (r as T[]) : ((r as { rows?: T[] }).rows ?? []));

/** One round trip: the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * Whether every migration in the journal beside the code has been applied: drizzle keeps the
 * `when` of each applied migration in drizzle.__drizzle_migrations.created_at.
 */
export async function pendingMigrations(db: Db, migrationsFolder: string): Promise<string[]> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { when: number; tag: string }[] };
  let applied: Set<number>;
  try {
    const rows = rowsOf<{ created_at: string | number }>(await db.execute(sql`select created_at from drizzle.__drizzle_migrations`));
    applied = new Set(rows.map((r) => Number(r.created_at)));
  } catch (err) {
    // No migrations table yet (undefined_table, maybe wrapped by drizzle): nothing is applied.
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (code === "42P01" || code === "3F000") applied = new Set();
    else throw err;
  }
  return journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag);
}

/** The images of enabled providers: what a worker must have to run their sessions. */
export async function enabledProviderImages(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ image: agentProviders.image }).from(agentProviders).where(eq(agentProviders.enabled, true));
  return rows.map((r) => r.image);
}

/** Provider id → slug, for metric labels (a handful of seeded rows). */
export async function providerSlugs(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ id: agentProviders.id, slug: agentProviders.slug }).from(agentProviders);
  return new Map(rows.map((r) => [r.id, r.slug]));
}

/** Sessions waiting to run, by status: the queue's depth as the database sees it. */
export async function waitingSessionCounts(db: Db): Promise<Record<"pending" | "queued", number>> {
  const rows = await db
    .select({ status: agentSessions.status, n: sql<number>`count(*)::int` })
    .from(agentSessions)
    .where(inArray(agentSessions.status, ["pending", "queued"]))
    .groupBy(agentSessions.status);
  const out = { pending: 0, queued: 0 };
  for (const r of rows) out[r.status as "pending" | "queued"] = Number(r.n);
  return out;
}

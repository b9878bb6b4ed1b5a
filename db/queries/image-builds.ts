import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentImageBuilds, agentProviders, type AgentImageBuild, type ImageBuildState } from "../schema";

/** The images the enabled providers run, with the provider's name. */
export async function listProviderImages(db: Db): Promise<{ image: string; label: string; cli: string }[]> {
  return db
    .select({ image: agentProviders.image, label: agentProviders.name, cli: agentProviders.cli })
    .from(agentProviders)
    .where(eq(agentProviders.enabled, true))
    .orderBy(asc(agentProviders.sortOrder));
}

export async function recordImageBuild(db: Db, row: { image: string; label: string; state: ImageBuildState; percent: number; message: string | null }): Promise<void> {
  await db
    .insert(agentImageBuilds)
    .values({ ...row, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: agentImageBuilds.image, set: { label: row.label, state: row.state, percent: row.percent, message: row.message, updatedAt: sql`now()` } });
}

export async function listImageBuilds(db: Db): Promise<AgentImageBuild[]> {
  return db.select().from(agentImageBuilds).orderBy(asc(agentImageBuilds.image));
}

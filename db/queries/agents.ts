import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { listConnections, type ConnectionRow } from "./connections";
import {
  agentProviders,
  agentProviderVariants,
  agentSkills,
  workspaceAgentConfigs,
  type AgentProvider,
  type AgentProviderVariant,
  type AgentSkill,
  type WorkspaceAgentConfig,
} from "../schema";

export type CatalogProvider = AgentProvider & { variants: AgentProviderVariant[]; config: WorkspaceAgentConfig | null; connection: ConnectionRow | null };

/** Every provider with its variants, this workspace's config row (null until first configured) and its connection (kind = the provider's slug). */
export async function loadCatalog(db: Db, workspaceId: string): Promise<CatalogProvider[]> {
  const [providers, variants, configs, connections] = await Promise.all([
    db.select().from(agentProviders).orderBy(asc(agentProviders.sortOrder), asc(agentProviders.slug)),
    db.select().from(agentProviderVariants).orderBy(asc(agentProviderVariants.sortOrder), asc(agentProviderVariants.slug)),
    db.select().from(workspaceAgentConfigs).where(eq(workspaceAgentConfigs.workspaceId, workspaceId)),
    listConnections(db, workspaceId),
  ]);
  return providers.map((p) => ({
    ...p,
    variants: variants.filter((v) => v.providerId === p.id),
    config: configs.find((c) => c.providerId === p.id) ?? null,
    connection: connections.find((c) => c.kind === p.slug) ?? null,
  }));
}

export type ConfigPatch = Partial<
  Pick<WorkspaceAgentConfig, "enabled" | "disabledVariants" | "maxConcurrentSessions" | "timeoutMinutes" | "directNetwork">
>;

/** Creates the row with defaults on first use; returns the row after the change. */
export async function upsertAgentConfig(db: Db, args: { workspaceId: string; providerId: string; patch: ConfigPatch }): Promise<WorkspaceAgentConfig> {
  const [row] = await db
    .insert(workspaceAgentConfigs)
    .values({ workspaceId: args.workspaceId, providerId: args.providerId, ...args.patch })
    .onConflictDoUpdate({
      target: [workspaceAgentConfigs.workspaceId, workspaceAgentConfigs.providerId],
      set: { ...args.patch, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

export async function listSkills(db: Db, args: { workspaceId: string; projectId?: string }): Promise<AgentSkill[]> {
  const scope =
    args.projectId === undefined ? undefined : or(isNull(agentSkills.projectId), eq(agentSkills.projectId, args.projectId));
  return db
    .select()
    .from(agentSkills)
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), scope))
    .orderBy(asc(agentSkills.trigger));
}

export async function getSkill(db: Db, args: { workspaceId: string; id: string }): Promise<AgentSkill | undefined> {
  const [row] = await db.select().from(agentSkills).where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)));
  return row;
}

export async function getSkillByTrigger(db: Db, args: { workspaceId: string; trigger: string }): Promise<AgentSkill | undefined> {
  const [row] = await db
    .select()
    .from(agentSkills)
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.trigger, args.trigger)));
  return row;
}

export type SkillValues = Omit<typeof agentSkills.$inferInsert, "id" | "workspaceId" | "createdAt" | "updatedAt" | "createdBy">;

export async function insertSkill(db: Db, values: SkillValues & { workspaceId: string; createdBy: string }): Promise<AgentSkill> {
  const [row] = await db.insert(agentSkills).values(values).returning();
  return row!;
}

export async function updateSkill(db: Db, args: { workspaceId: string; id: string; patch: Partial<SkillValues> }) {
  const [row] = await db
    .update(agentSkills)
    .set({ ...args.patch, updatedAt: new Date() })
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)))
    .returning();
  return row;
}

export async function deleteSkill(db: Db, args: { workspaceId: string; id: string }): Promise<boolean> {
  const rows = await db
    .delete(agentSkills)
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)))
    .returning({ id: agentSkills.id });
  return rows.length > 0;
}

/** One provider by slug, whatever its state (null: no such provider). */
export async function getProviderBySlug(db: Db, slug: string): Promise<AgentProvider | null> {
  const [row] = await db.select().from(agentProviders).where(eq(agentProviders.slug, slug));
  return row ?? null;
}

import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { listConnections, type ConnectionRow } from "./connections";
import {
  agentProviders,
  agentProviderVariants,
  workspaceAgentConfigs,
  type AgentProvider,
  type AgentProviderVariant,
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
  Pick<WorkspaceAgentConfig, "enabled" | "disabledVariants" | "maxConcurrentSessions" | "timeoutMinutes" | "directNetwork" | "approvals">
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

/** One provider by slug, whatever its state (null: no such provider). */
export async function getProviderBySlug(db: Db, slug: string): Promise<AgentProvider | null> {
  const [row] = await db.select().from(agentProviders).where(eq(agentProviders.slug, slug));
  return row ?? null;
}

import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import {
  agentProviders,
  agentProviderVariants,
  users,
  workspaceAgentConfigs,
  type AgentProvider,
  type AgentProviderVariant,
  type WorkspaceAgentConfig,
} from "../schema";

export type CatalogProvider = AgentProvider & { variants: AgentProviderVariant[]; config: WorkspaceAgentConfig | null };

/** Every provider with its variants and this workspace's config row (null until first configured). */
export async function loadCatalog(db: Db, workspaceId: string): Promise<CatalogProvider[]> {
  const [providers, variants, configs] = await Promise.all([
    db.select().from(agentProviders).orderBy(asc(agentProviders.sortOrder), asc(agentProviders.slug)),
    db.select().from(agentProviderVariants).orderBy(asc(agentProviderVariants.sortOrder), asc(agentProviderVariants.slug)),
    db.select().from(workspaceAgentConfigs).where(eq(workspaceAgentConfigs.workspaceId, workspaceId)),
  ]);
  return providers.map((p) => ({
    ...p,
    variants: variants.filter((v) => v.providerId === p.id),
    config: configs.find((c) => c.providerId === p.id) ?? null,
  }));
}

export type ConfigPatch = Partial<
  Pick<WorkspaceAgentConfig, "enabled" | "disabledVariants" | "maxConcurrentSessions" | "timeoutMinutes" | "connectionStatus" | "directNetwork">
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

/** Who connected each provider of the workspace: provider id → the user's id and name. */
export async function listConnectors(db: Db, workspaceId: string): Promise<{ providerId: string; userId: string; name: string }[]> {
  return db
    .select({ providerId: workspaceAgentConfigs.providerId, userId: users.id, name: users.name })
    .from(workspaceAgentConfigs)
    .innerJoin(users, eq(users.id, workspaceAgentConfigs.connectedBy))
    .where(eq(workspaceAgentConfigs.workspaceId, workspaceId));
}

/**
 * Stores sealed tokens as the provider's connection, replacing whatever was there. A pasted
 * token comes without a refresh token: an old one must not outlive the token it belonged to.
 */
export async function storeConnection(
  db: Db,
  args: { workspaceId: string; providerId: string; connectedBy: string } & Omit<TokenSet, "refreshTokenCiphertext"> & { refreshTokenCiphertext?: string | null },
): Promise<WorkspaceAgentConfig> {
  const now = new Date();
  const connection = {
    connectionStatus: "connected" as const,
    accessTokenCiphertext: args.accessTokenCiphertext,
    refreshTokenCiphertext: args.refreshTokenCiphertext ?? null,
    tokenKeyId: args.keyId,
    tokenExpiresAt: args.expiresAt,
    connectedBy: args.connectedBy,
    connectedAt: now,
  };
  const [row] = await db
    .insert(workspaceAgentConfigs)
    .values({ workspaceId: args.workspaceId, providerId: args.providerId, ...connection })
    .onConflictDoUpdate({
      target: [workspaceAgentConfigs.workspaceId, workspaceAgentConfigs.providerId],
      set: { ...connection, updatedAt: now },
    })
    .returning();
  return row!;
}

/** Forgets the provider's tokens and who connected it; limits and toggles stay. */
export async function clearConnection(db: Db, args: { workspaceId: string; providerId: string }): Promise<void> {
  await db
    .update(workspaceAgentConfigs)
    .set({
      connectionStatus: "disconnected",
      accessTokenCiphertext: null,
      refreshTokenCiphertext: null,
      tokenKeyId: null,
      tokenExpiresAt: null,
      connectedBy: null,
      connectedAt: null,
      updatedAt: new Date(),
    })
    .where(and(eq(workspaceAgentConfigs.workspaceId, args.workspaceId), eq(workspaceAgentConfigs.providerId, args.providerId)));
}

export type TokenSet = { keyId: string; accessTokenCiphertext: string; refreshTokenCiphertext: string | null; expiresAt: Date | null };

export type ConnectionRow = { config: WorkspaceAgentConfig; provider: Pick<AgentProvider, "id" | "slug" | "name"> };

/** The provider's config row with the provider's slug and name; `lock` takes a row lock (inside a transaction). */
export async function getConnection(db: Db, args: { workspaceId: string; providerId: string; lock?: boolean }): Promise<ConnectionRow | undefined> {
  const query = db
    .select({ config: workspaceAgentConfigs, provider: { id: agentProviders.id, slug: agentProviders.slug, name: agentProviders.name } })
    .from(workspaceAgentConfigs)
    .innerJoin(agentProviders, eq(agentProviders.id, workspaceAgentConfigs.providerId))
    .where(and(eq(workspaceAgentConfigs.workspaceId, args.workspaceId), eq(workspaceAgentConfigs.providerId, args.providerId)));
  const [row] = args.lock ? await query.for("update", { of: workspaceAgentConfigs }) : await query;
  return row;
}

/** A refresh succeeded: the new access token, and the rotated refresh token when the server sent one. */
export async function storeRefreshedTokens(db: Db, args: { configId: string } & TokenSet): Promise<void> {
  await db
    .update(workspaceAgentConfigs)
    .set({
      accessTokenCiphertext: args.accessTokenCiphertext,
      refreshTokenCiphertext: args.refreshTokenCiphertext,
      tokenKeyId: args.keyId,
      tokenExpiresAt: args.expiresAt,
      connectionStatus: "connected",
      updatedAt: new Date(),
    })
    .where(eq(workspaceAgentConfigs.id, args.configId));
}

export async function markNeedsReconnect(db: Db, configId: string): Promise<void> {
  await db
    .update(workspaceAgentConfigs)
    .set({ connectionStatus: "needs_reconnect", updatedAt: new Date() })
    .where(eq(workspaceAgentConfigs.id, configId));
}

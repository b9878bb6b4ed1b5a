import { admitWaiting } from "@/lib/sessions/admission";
import { z } from "zod";
import type { Db } from "@/db/client";
import { loadCatalog, upsertAgentConfig, type CatalogProvider } from "@/db/queries/agents";
import { connectionJson } from "@/lib/connections/json";
import { oauthSetup } from "@/lib/connections/oauth-config";
import { DispatchError, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { approvalPolicyJson, approvalPolicySchema } from "./approvals";
import { isProviderEnabled, isVariantEnabled } from "./resolve";

export const DEFAULT_LIMITS = { maxConcurrentSessions: 3, timeoutMinutes: 15 } as const;

/** The agent picker's list: enabled providers with their enabled variants. Never a token. */
export async function listAvailableProviders(db: Db, ctx: WorkspaceContext) {
  const catalog = await loadCatalog(db, ctx.workspace.id);
  return catalog
    .filter((p) => p.enabled)
    .map((p) => ({
      slug: p.slug,
      name: p.name,
      group: p.groupName,
      enabled: isProviderEnabled(p),
      connected: p.connection?.connectionStatus === "connected",
      variants: p.variants
        .filter((v) => isVariantEnabled(p, v))
        .map((v) => ({ slug: v.slug, name: v.name, model: v.modelId, is_default: v.isDefault })),
    }));
}

const variantsJson = (p: CatalogProvider) =>
  p.variants.map((v) => ({ slug: v.slug, name: v.name, model: v.modelId, is_default: v.isDefault, enabled: isVariantEnabled(p, v) }));

/** An admin's view of one provider: the connection as a status, who made it and until when; never a token. */
const configJson = (p: CatalogProvider) => ({
  provider_slug: p.slug,
  name: p.name,
  group: p.groupName,
  enabled: p.config?.enabled ?? true,
  connection_status: p.connection?.connectionStatus ?? "disconnected",
  connected_at: p.connection?.connectedAt.toISOString() ?? null,
  connected_by: p.connection?.connectedBy && p.connection.connectedByName !== null ? { id: p.connection.connectedBy, name: p.connection.connectedByName } : null,
  token_expires_at: p.connection?.tokenExpiresAt?.toISOString() ?? null,
  /** The same connection as every kind shows it (GET …/connections/[provider]/connection). */
  connection: connectionJson(p.connection ?? undefined, oauthSetup(p.slug).ok),
  max_concurrent_sessions: p.config?.maxConcurrentSessions ?? DEFAULT_LIMITS.maxConcurrentSessions,
  timeout_minutes: p.config?.timeoutMinutes ?? DEFAULT_LIMITS.timeoutMinutes,
  /** At the limit: `queue` (default) accepts mentions and starts them as slots free; `refuse` answers 429. */
  when_full: p.config?.whenFull ?? "queue",
  /** Off by default: agents reach the model only through the worker's credential proxy. */
  direct_network: p.config?.directNetwork ?? false,
  /** What waits for a member's approval in runs whose skill sets no policy; null: nothing. */
  approvals: approvalPolicyJson(p.config?.approvals ?? null),
  variants: variantsJson(p),
});
export type ProviderConfigJson = ReturnType<typeof configJson>;

/** Admins see every provider's settings; the connection shows as a status, never as a token. */
export async function getAgentConfig(db: Db, ctx: WorkspaceContext): Promise<ProviderConfigJson[]> {
  requireRole(ctx, "admin");
  return (await loadCatalog(db, ctx.workspace.id)).filter((p) => p.enabled).map(configJson);
}

/** One provider's admin view; an unknown (or globally switched off) provider is a 404. */
export async function getProviderConfig(db: Db, ctx: WorkspaceContext, providerSlug: string): Promise<ProviderConfigJson> {
  const config = (await getAgentConfig(db, ctx)).find((p) => p.provider_slug === providerSlug);
  if (!config) throw notFound("provider", "This provider");
  return config;
}

/**
 * What any member may know about the workspace's agents: which providers and variants are
 * switched on, whether each is connected, and the limits. No connection details.
 */
export async function getAgentOverview(db: Db, ctx: WorkspaceContext) {
  const catalog = await loadCatalog(db, ctx.workspace.id);
  return catalog
    .filter((p) => p.enabled)
    .map((p) => ({
      provider_slug: p.slug,
      name: p.name,
      group: p.groupName,
      enabled: isProviderEnabled(p),
      connection_status: p.connection?.connectionStatus ?? "disconnected",
      max_concurrent_sessions: p.config?.maxConcurrentSessions ?? DEFAULT_LIMITS.maxConcurrentSessions,
      timeout_minutes: p.config?.timeoutMinutes ?? DEFAULT_LIMITS.timeoutMinutes,
      when_full: p.config?.whenFull ?? "queue",
      variants: variantsJson(p),
    }));
}

const providerConfigSchema = z.object({
  provider_slug: z.string({ required_error: "provider_slug is required." }),
  enabled: z.boolean().optional(),
  max_concurrent_sessions: z.number().int("Max concurrent sessions must be a whole number.").min(1, "Max concurrent sessions must be at least 1.").max(100, "Max concurrent sessions must be at most 100.").optional(),
  timeout_minutes: z.number().int("Timeout must be a whole number of minutes.").min(1, "Timeout must be between 1 and 120 minutes.").max(120, "Timeout must be between 1 and 120 minutes.").optional(),
  variants: z.array(z.object({ slug: z.string(), enabled: z.boolean() })).max(50).optional(),
  direct_network: z.boolean({ invalid_type_error: "direct_network must be true or false." }).optional(),
  when_full: z.enum(["queue", "refuse"], { errorMap: () => ({ message: 'when_full must be "queue" or "refuse".' }) }).optional(),
  approvals: approvalPolicySchema.nullable().optional(),
});
export const agentConfigUpdateSchema = z.object({ providers: z.array(providerConfigSchema).min(1, "Send at least one provider.").max(20) });

export async function updateAgentConfig(db: Db, ctx: WorkspaceContext, input: unknown) {
  requireRole(ctx, "admin");
  const { providers } = parseInput(agentConfigUpdateSchema, input, "agent_config");
  const catalog = await loadCatalog(db, ctx.workspace.id);
  // Validate everything before writing anything.
  const planned = providers.map((change, i) => {
    const provider = catalog.find((p) => p.slug === change.provider_slug && p.enabled);
    if (!provider) throw new DispatchError("bad_request:agent_config", `Unknown provider "${change.provider_slug}".`, { field: `providers.${i}.provider_slug` });
    let disabled = provider.config?.disabledVariants ?? [];
    for (const [j, v] of (change.variants ?? []).entries()) {
      if (!provider.variants.some((pv) => pv.slug === v.slug)) {
        throw new DispatchError("bad_request:agent_config", `${provider.name} has no variant "${v.slug}".`, { field: `providers.${i}.variants.${j}.slug` });
      }
      disabled = v.enabled ? disabled.filter((s) => s !== v.slug) : [...new Set([...disabled, v.slug])];
    }
    return { provider, change, disabled };
  });
  await db.transaction(async (tx) => {
    for (const { provider, change, disabled } of planned) {
      await upsertAgentConfig(tx, {
        workspaceId: ctx.workspace.id,
        providerId: provider.id,
        patch: {
          ...(change.enabled !== undefined && { enabled: change.enabled }),
          ...(change.max_concurrent_sessions !== undefined && { maxConcurrentSessions: change.max_concurrent_sessions }),
          ...(change.timeout_minutes !== undefined && { timeoutMinutes: change.timeout_minutes }),
          ...(change.direct_network !== undefined && { directNetwork: change.direct_network }),
          ...(change.when_full !== undefined && { whenFull: change.when_full }),
          ...(change.approvals !== undefined && { approvals: change.approvals }),
          disabledVariants: disabled,
        },
      });
    }
  });
  // A raised limit starts sessions that were waiting for it.
  for (const { provider, change } of planned) {
    if (change.max_concurrent_sessions !== undefined) await admitWaiting(db, { workspaceId: ctx.workspace.id, providerId: provider.id });
  }
  return getAgentConfig(db, ctx);
}

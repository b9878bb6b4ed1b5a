import { z } from "zod";
import type { Db } from "@/db/client";
import { loadCatalog, upsertAgentConfig, type CatalogProvider } from "@/db/queries/agents";
import { DispatchError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
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
      connected: p.config?.connectionStatus === "connected",
      variants: p.variants
        .filter((v) => isVariantEnabled(p, v))
        .map((v) => ({ slug: v.slug, name: v.name, model: v.modelId, is_default: v.isDefault })),
    }));
}

const configJson = (p: CatalogProvider) => ({
  provider_slug: p.slug,
  name: p.name,
  group: p.groupName,
  enabled: p.config?.enabled ?? true,
  connection_status: p.config?.connectionStatus ?? "disconnected",
  connected_at: p.config?.connectedAt ?? null,
  max_concurrent_sessions: p.config?.maxConcurrentSessions ?? DEFAULT_LIMITS.maxConcurrentSessions,
  timeout_minutes: p.config?.timeoutMinutes ?? DEFAULT_LIMITS.timeoutMinutes,
  variants: p.variants.map((v) => ({ slug: v.slug, name: v.name, model: v.modelId, is_default: v.isDefault, enabled: isVariantEnabled(p, v) })),
});

/** Admins see every provider's settings; the connection shows as a status, never as a token. */
export async function getAgentConfig(db: Db, ctx: WorkspaceContext) {
  requireRole(ctx, "admin");
  return (await loadCatalog(db, ctx.workspace.id)).filter((p) => p.enabled).map(configJson);
}

const providerConfigSchema = z.object({
  provider_slug: z.string({ required_error: "provider_slug is required." }),
  enabled: z.boolean().optional(),
  max_concurrent_sessions: z.number().int("Max concurrent sessions must be a whole number.").min(1, "Max concurrent sessions must be at least 1.").max(100, "Max concurrent sessions must be at most 100.").optional(),
  timeout_minutes: z.number().int("Timeout must be a whole number of minutes.").min(1, "Timeout must be between 1 and 120 minutes.").max(120, "Timeout must be between 1 and 120 minutes.").optional(),
  variants: z.array(z.object({ slug: z.string(), enabled: z.boolean() })).max(50).optional(),
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
          disabledVariants: disabled,
        },
      });
    }
  });
  return getAgentConfig(db, ctx);
}

import type { Db } from "@/db/client";
import { loadCatalog, type CatalogProvider } from "@/db/queries/agents";
import { listSkills } from "@/db/queries/skills";
import type { AgentProviderVariant, AgentSkill } from "@/db/schema";
import { DispatchError } from "@/lib/errors";
import { formatMention, type AgentMention } from "./mention-parser";

export type ResolvedAgent = {
  provider: CatalogProvider;
  variant: AgentProviderVariant;
  skill: AgentSkill | null;
  mention: string;
};

const bad = (message: string) => new DispatchError("bad_request:agent", message, { field: "agents" });

export function isProviderEnabled(p: CatalogProvider): boolean {
  return p.enabled && (p.config?.enabled ?? true);
}

export function isVariantEnabled(p: CatalogProvider, v: AgentProviderVariant): boolean {
  return v.enabled && !(p.config?.disabledVariants ?? []).includes(v.slug);
}

/**
 * Turns requested agents into provider + variant + skill, or throws an error naming the first
 * bad token. Nothing here names a provider: the catalog comes from the database.
 */
export async function resolveAgents(db: Db, args: { workspaceId: string; projectId: string; mentions: AgentMention[] }): Promise<ResolvedAgent[]> {
  const [catalog, skills] = await Promise.all([
    loadCatalog(db, args.workspaceId),
    listSkills(db, { workspaceId: args.workspaceId, projectId: args.projectId }),
  ]);
  const resolved = new Map<string, ResolvedAgent>();
  for (const m of args.mentions) {
    const token = formatMention(m);
    let skill: AgentSkill | null = null;
    if (m.skill) {
      skill = skills.find((s) => s.trigger === m.skill) ?? null;
      if (!skill) throw bad(`Unknown skill "${m.skill}" in ${token}.`);
      if (!skill.enabled) throw bad(`The skill "${m.skill}" in ${token} is disabled.`);
    }
    let providerSlug = m.provider;
    let variantSlug = m.variant;
    if (!providerSlug) {
      if (!skill?.defaultProvider) throw bad(`${token} names no agent, and the skill "${m.skill}" has no default provider.`);
      [providerSlug, variantSlug = null] = splitProviderRef(skill.defaultProvider);
    }
    const provider = catalog.find((p) => p.slug === providerSlug);
    if (!provider) throw bad(`Unknown agent "${providerSlug}" in ${token}.`);
    if (!isProviderEnabled(provider)) throw bad(`${provider.name} is disabled in this workspace (${token}).`);
    const variant = findVariant(provider, variantSlug);
    if (!variant) {
      const known = provider.variants.map((v) => v.slug).join(", ");
      throw bad(variantSlug ? `${provider.name} has no variant "${variantSlug}" (${token}); known: ${known}.` : `${provider.name} has no default variant.`);
    }
    if (!isVariantEnabled(provider, variant)) throw bad(`${variant.name} is disabled in this workspace (${token}).`);
    // A connection that needs reconnecting does not lose the mention: it waits in line until an admin fixes it.
    const status = provider.connection?.connectionStatus;
    const waitsForReconnect = status === "needs_reconnect" && (provider.config?.whenFull ?? "queue") === "queue";
    if (status !== "connected" && !waitsForReconnect) {
      const why = status === "needs_reconnect" ? "needs to be reconnected" : "is not connected";
      throw new DispatchError("conflict:provider_not_connected", `${provider.name} ${why} in this workspace (${token}). Ask an admin to connect it under Agents → Providers.`, {
        field: "agents",
      });
    }
    // The same agent with the same skill twice in one comment starts one session.
    resolved.set(`${variant.id}:${skill?.id ?? ""}`, { provider, variant, skill, mention: token });
  }
  return [...resolved.values()];
}

/** `claude` → ["claude", null]; `claude-opus` → ["claude", "opus"]. */
/** The variant a mention names: by its slug, or the provider's default when it names none. */
export function findVariant(provider: CatalogProvider | undefined, variantSlug: string | null | undefined): AgentProviderVariant | undefined {
  return variantSlug ? provider?.variants.find((v) => v.slug === variantSlug) : provider?.variants.find((v) => v.isDefault);
}

export function splitProviderRef(ref: string): [string, string | null] {
  const i = ref.indexOf("-");
  return i < 0 ? [ref, null] : [ref.slice(0, i), ref.slice(i + 1)];
}

import type { Db } from "@/db/client";
import { listMembers } from "@/db/queries/workspaces";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { knownProviderSlugs } from "./invoke";
import { listAvailableProviders } from "./providers";
import { getSkills } from "./skills";

/** Everything the `@` suggestions and the agent mode bar offer, for one project. Names only: never a token. */
export type AgentPicker = {
  providers: { slug: string; name: string; group: string; variants: { slug: string; name: string; isDefault: boolean }[] }[];
  skills: { trigger: string; name: string; description: string; defaultProvider: string | null }[];
  members: { id: string; name: string }[];
  /** Every provider slug of the catalog: `@word` is an agent only for these. */
  providerSlugs: string[];
};

export async function getAgentPicker(db: Db, ctx: WorkspaceContext, projectId: string): Promise<AgentPicker> {
  const [providers, skills, members, slugs] = await Promise.all([
    listAvailableProviders(db, ctx),
    getSkills(db, ctx, projectId),
    listMembers(db, ctx.workspace.id),
    knownProviderSlugs(db, ctx.workspace.id),
  ]);
  return {
    // Only what can run now: enabled and connected.
    providers: providers
      .filter((p) => p.enabled && p.connected && p.variants.length > 0)
      .map((p) => ({ slug: p.slug, name: p.name, group: p.group, variants: p.variants.map((v) => ({ slug: v.slug, name: v.name, isDefault: v.is_default })) })),
    skills: skills.filter((s) => s.enabled).map((s) => ({ trigger: s.trigger, name: s.name, description: s.description, defaultProvider: s.defaultProvider })),
    members: members.map((m) => ({ id: m.userId, name: m.name })),
    providerSlugs: [...slugs],
  };
}

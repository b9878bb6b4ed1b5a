import type { Db } from "./client";
import { agentProviders, agentProviderVariants } from "./schema";

type SeedProvider = {
  slug: string;
  name: string;
  groupName: string;
  cli: string;
  image: string;
  variants: { slug: string; name: string; modelId: string; isDefault?: boolean }[];
};

export const seedProviders: SeedProvider[] = [
  {
    slug: "claude",
    name: "Claude",
    groupName: "Anthropic",
    cli: "claude",
    image: "dispatch/agent-claude:latest",
    variants: [
      { slug: "opus", name: "Claude Opus", modelId: "claude-opus-4-6" },
      { slug: "sonnet", name: "Claude Sonnet", modelId: "claude-sonnet-4-6", isDefault: true },
      { slug: "haiku", name: "Claude Haiku", modelId: "claude-haiku-4-5" },
    ],
  },
  {
    slug: "gemini",
    name: "Gemini",
    groupName: "Google",
    cli: "gemini",
    image: "dispatch/agent-gemini:latest",
    variants: [
      { slug: "pro", name: "Gemini Pro", modelId: "gemini-2.5-pro", isDefault: true },
      { slug: "flash", name: "Gemini Flash", modelId: "gemini-2.0-flash" },
    ],
  },
];

/** Upserts the built-in providers and variants; running it again changes nothing. */
export async function seed(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [i, p] of seedProviders.entries()) {
      const [row] = await tx
        .insert(agentProviders)
        .values({ slug: p.slug, name: p.name, groupName: p.groupName, cli: p.cli, image: p.image, sortOrder: i })
        .onConflictDoUpdate({
          target: agentProviders.slug,
          set: { name: p.name, groupName: p.groupName, cli: p.cli, image: p.image, sortOrder: i },
        })
        .returning({ id: agentProviders.id });
      if (!row) throw new Error(`seed: provider ${p.slug} was not written`);
      for (const [j, v] of p.variants.entries()) {
        await tx
          .insert(agentProviderVariants)
          .values({ providerId: row.id, slug: v.slug, name: v.name, modelId: v.modelId, isDefault: !!v.isDefault, sortOrder: j })
          .onConflictDoUpdate({
            target: [agentProviderVariants.providerId, agentProviderVariants.slug],
            set: { name: v.name, modelId: v.modelId, isDefault: !!v.isDefault, sortOrder: j},
          });
      }
    }
  });
}

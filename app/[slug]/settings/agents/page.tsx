import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { OutcomeBanner, readOAuthOutcome } from "@/components/settings/connection/outcome-banner";
import { ImageBanner } from "@/components/settings/image-banner";
import { ProviderCard } from "@/components/settings/provider-card";
import { ReadOnlyProviders, ReadOnlySkills } from "@/components/settings/read-only-agents";
import { SettingsNav } from "@/components/settings/settings-nav";
import { SettingsSection } from "@/components/settings/settings-section";
import { SkillsManager } from "@/components/settings/skills-manager";
import type { ProviderChoice, ProviderSettings, SkillSettings } from "@/components/settings/types";
import { PageHeader } from "@/components/ui/page-header";
import { getImageNotices } from "@/lib/agents/image-status";
import { getAgentConfig, getAgentOverview } from "@/lib/agents/providers";
import { getSkills, skillJson } from "@/lib/agents/skills";
import { connectOptions } from "@/lib/connections/service";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export const metadata: Metadata = { title: "Agent settings" };

/** `claude` (its default variant) and `claude-opus`, …: what a skill's default provider may be. */
const choicesOf = (providers: { provider_slug: string; name: string; variants: { slug: string; name: string }[] }[]): ProviderChoice[] =>
  providers.flatMap((p) => [
    { value: p.provider_slug, label: `${p.name} (default variant)` },
    ...p.variants.map((v) => ({ value: `${p.provider_slug}-${v.slug}`, label: v.name })),
  ]);

export default async function AgentSettingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/settings/agents`);
  const db = getDb();
  const isAdmin = hasRole(ctx, "admin");
  const [skills, notices] = await Promise.all([getSkills(db, ctx, null).then((rows): SkillSettings[] => rows.map(skillJson)), getImageNotices(db)]);
  const images = <ImageBanner slug={slug} notices={notices} />;
  const header = (
    <>
      <PageHeader title="Agents" subtitle={`Providers, connections, limits and skills of ${ctx.workspace.name}`} />
      <SettingsNav slug={slug} current="agents" />
    </>
  );

  if (!isAdmin) {
    // Members and guests: getAgentOverview carries no connection details, and nothing here can change anything.
    const providers = await getAgentOverview(db, ctx);
    return (
      <>
        {header}
        <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
          {images}
          <p className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">Only workspace admins can change agent settings.</p>
          <SettingsSection id="providers-heading" title="Providers" description="Agents you can mention in comments, and whether they are connected.">
            <ReadOnlyProviders providers={providers} />
          </SettingsSection>
          <SettingsSection id="skills-heading" title="Skills" description="Reusable instructions: mention them after an agent, as @claude:fix-bug.">
            <ReadOnlySkills skills={skills} providers={choicesOf(providers)} />
          </SettingsSection>
        </main>
      </>
    );
  }

  // Read on the server: the client learns only how a token looks, whether OAuth is set up and which variables are missing.
  const providers = await Promise.all(
    (await getAgentConfig(db, ctx)).map(async (p) => {
      const { paste, oauth } = await connectOptions(db, p.provider_slug);
      return { settings: { ...p, paste } satisfies ProviderSettings, oauth };
    }),
  );
  const outcome = readOAuthOutcome(await searchParams, Object.fromEntries(providers.map(({ settings: p }) => [p.provider_slug, p.name])));
  return (
    <>
      {header}
      <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
        {outcome && (
          <OutcomeBanner
            outcome={outcome}
            testId="oauth-banner"
            nowWorks={`Its agents can run now. Dispatch renews the token before it expires; if ${outcome.name} ever stops accepting it, the provider shows "Needs reconnect".`}
            operatorSettings={`the DISPATCH_OAUTH_${outcome.service.toUpperCase()}_* settings (client id, client secret, token URL)`}
            dismissHref={`/${slug}/settings/agents`}
          />
        )}
        {images}
        <SettingsSection id="providers-heading" title="Providers" description="Connect each provider with OAuth (never an API key), choose its models and cap its runs.">
          <div className="space-y-6">
            {providers.map(({ settings, oauth }) => (
              <ProviderCard key={settings.provider_slug} slug={slug} provider={settings} oauth={oauth} />
            ))}
          </div>
        </SettingsSection>
        <SettingsSection id="skills-heading" title="Skills" description="Reusable instructions: mention them after an agent, as @claude:fix-bug.">
          <SkillsManager slug={slug} skills={skills} providers={choicesOf(providers.map((p) => p.settings))} />
        </SettingsSection>
      </main>
    </>
  );
}

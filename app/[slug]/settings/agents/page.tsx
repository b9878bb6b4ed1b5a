import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { ImageBanner } from "@/components/settings/image-banner";
import { OAuthBanner, readOAuthOutcome } from "@/components/settings/oauth-banner";
import { ProviderCard } from "@/components/settings/provider-card";
import { ReadOnlyProviders, ReadOnlySkills } from "@/components/settings/read-only-agents";
import { SettingsNav } from "@/components/settings/settings-nav";
import { SkillsManager } from "@/components/settings/skills-manager";
import type { ProviderChoice, ProviderSettings, SkillSettings } from "@/components/settings/types";
import { PageHeader } from "@/components/ui/page-header";
import { listPasteHints } from "@/lib/agents/connection";
import { getImageNotices } from "@/lib/agents/image-status";
import { oauthSetup, oauthSetupHint } from "@/lib/agents/oauth-config";
import { getAgentConfig, getAgentOverview } from "@/lib/agents/providers";
import { getSkills, skillJson } from "@/lib/agents/skills";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export const metadata: Metadata = { title: "Agent settings" };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `claude` (its default variant) and `claude-opus`, …: what a skill's default provider may be. */
const choicesOf = (providers: { provider_slug: string; name: string; variants: { slug: string; name: string }[] }[]): ProviderChoice[] =>
  providers.flatMap((p) => [
    { value: p.provider_slug, label: `${p.name} (default variant)` },
    ...p.variants.map((v) => ({ value: `${p.provider_slug}-${v.slug}`, label: v.name })),
  ]);

function Section({ id, title, description, children }: { id: string; title: string; description: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <div>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <p className="text-sm text-slate-500">{description}</p>
      </div>
      {children}
    </section>
  );
}

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
          <Section id="providers-heading" title="Providers" description="Agents you can mention in comments, and whether they are connected.">
            <ReadOnlyProviders providers={providers} />
          </Section>
          <Section id="skills-heading" title="Skills" description="Reusable instructions: mention them after an agent, as @claude:fix-bug.">
            <ReadOnlySkills skills={skills} providers={choicesOf(providers)} />
          </Section>
        </main>
      </>
    );
  }

  const [config, hints] = await Promise.all([getAgentConfig(db, ctx), listPasteHints(db, ctx)]);
  const providers: ProviderSettings[] = config.map((p) => ({
    ...p,
    connected_at: iso(p.connected_at),
    token_expires_at: iso(p.token_expires_at),
    paste: hints[p.provider_slug] ?? null,
  }));
  // Read on the server: the client learns only whether OAuth is set up and which variables are missing.
  const oauth = Object.fromEntries(
    providers.map((p) => {
      const setup = oauthSetup(p.provider_slug);
      return [p.provider_slug, { enabled: setup.ok, hint: oauthSetupHint(setup) }];
    }),
  );
  const outcome = readOAuthOutcome(await searchParams, Object.fromEntries(providers.map((p) => [p.provider_slug, p.name])));
  return (
    <>
      {header}
      <main className="mx-auto max-w-4xl space-y-10 px-8 py-8">
        {outcome && <OAuthBanner outcome={outcome} dismissHref={`/${slug}/settings/agents`} />}
        {images}
        <Section id="providers-heading" title="Providers" description="Connect each provider with OAuth (never an API key), choose its models and cap its runs.">
          <div className="space-y-6">
            {providers.map((p) => (
              <ProviderCard key={p.provider_slug} slug={slug} provider={p} oauth={oauth[p.provider_slug]!} />
            ))}
          </div>
        </Section>
        <Section id="skills-heading" title="Skills" description="Reusable instructions: mention them after an agent, as @claude:fix-bug.">
          <SkillsManager slug={slug} skills={skills} providers={choicesOf(providers)} />
        </Section>
      </main>
    </>
  );
}

import { ProviderMark } from "@/components/agents/provider-mark";
import { EmptyState } from "@/components/ui/page-header";
import { ConnectionBadge, EnabledBadge } from "./badges";
import { SkillSummary } from "./skill-summary";
import type { ConnectionStatus, ProviderChoice, SkillSettings, VariantSettings } from "./types";

export type ProviderOverview = {
  provider_slug: string;
  name: string;
  group: string;
  enabled: boolean;
  connection_status: ConnectionStatus;
  max_concurrent_sessions: number;
  timeout_minutes: number;
  variants: VariantSettings[];
};

/** Members and guests: what is switched on and connected, with no controls and no connection details. */
export function ReadOnlyProviders({ providers }: { providers: ProviderOverview[] }) {
  return (
    <ul className="space-y-3" aria-label="Providers">
      {providers.map((p) => (
        <li key={p.provider_slug} className="card px-5 py-4">
          <div className="flex items-center gap-3">
            <ProviderMark provider={p.provider_slug} />
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="font-semibold">{p.name}</h3>
                <ConnectionBadge status={p.connection_status} />
                <EnabledBadge enabled={p.enabled} />
              </div>
              <p className="text-xs text-slate-500">
                {p.group} · up to {p.max_concurrent_sessions} at once · {p.timeout_minutes} min timeout
              </p>
            </div>
          </div>
          <ul className="mt-3 flex flex-wrap gap-2" aria-label={`${p.name} variants`}>
            {p.variants.map((v) => (
              <li
                key={v.slug}
                className={`rounded-full border px-2.5 py-0.5 text-xs ${v.enabled && p.enabled ? "border-slate-300 bg-white text-slate-700" : "border-dashed border-slate-300 text-slate-400 line-through"}`}
                title={v.enabled ? v.model : `${v.name} is disabled`}
              >
                <span className="font-mono">@{p.provider_slug}-{v.slug}</span>
                {v.is_default && <span className="ml-1 text-slate-400">(default)</span>}
                <span className="sr-only">{v.enabled && p.enabled ? " enabled" : " disabled"}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function ReadOnlySkills({ skills, providers }: { skills: SkillSettings[]; providers: ProviderChoice[] }) {
  if (skills.length === 0) return <EmptyState title="No skills yet">An admin can add reusable instructions here.</EmptyState>;
  return (
    <ul className="card divide-y divide-slate-100" aria-label="Skills">
      {skills.map((s) => (
        <li key={s.id} className="px-5 py-4">
          <SkillSummary skill={s} providers={providers} />
        </li>
      ))}
    </ul>
  );
}

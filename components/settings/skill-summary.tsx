import { EnabledBadge, ModeLabel } from "./badges";
import type { ProviderChoice, SkillSettings } from "./types";

/** One skill as a list row's body: name, trigger, mode, default provider, on/off. No controls. */
export function SkillSummary({ skill, providers }: { skill: SkillSettings; providers: ProviderChoice[] }) {
  const provider = skill.default_provider && (providers.find((p) => p.value === skill.default_provider)?.label ?? skill.default_provider);
  return (
    <div className="min-w-0 flex-1">
      <div className="flex flex-wrap items-center gap-2">
        <p className="font-medium">{skill.name}</p>
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">:{skill.trigger}</code>
        <EnabledBadge enabled={skill.enabled} />
      </div>
      {skill.description && <p className="mt-0.5 truncate text-sm text-slate-600">{skill.description}</p>}
      <p className="mt-1 text-xs text-slate-500">
        <ModeLabel mode={skill.mode} />
        {" · "}
        {provider ? `Default: ${provider}` : "No default provider"}
        {skill.timeout_minutes != null && ` · ${skill.timeout_minutes} min timeout`}
        {skill.include_guest_comments && " · Reads guests' comments"}
      </p>
    </div>
  );
}

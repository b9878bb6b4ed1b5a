import { EnabledBadge, ModeLabel } from "./badges";
import type { ApprovalPolicyJson, ProviderChoice, SkillSettings } from "./types";

/** The policy in a few words, for a summary line: "rm, git push", "every command", "never". */
function describeApprovals(p: ApprovalPolicyJson): string {
  const parts = [
    ...(p.shell === "all" ? ["every command"] : p.shell === "patterns" ? p.shell_patterns : []),
    ...(p.outside_work_tree ? ["writes outside the work tree"] : []),
    ...p.tools,
  ];
  return parts.length ? parts.join(", ") : "never";
}

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
      <p className="mt-0.5 text-xs text-slate-500" data-testid="skill-approvals">
        {skill.approvals ? `Approval: ${describeApprovals(skill.approvals)}` : "Approval: the provider's default"}
        {` · waits ${skill.answer_wait_minutes ?? 60} min`}
      </p>
    </div>
  );
}

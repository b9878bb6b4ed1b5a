"use client";

import { observer } from "mobx-react-lite";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { updateIssueAction, type IssuePatch } from "@/app/actions/update-issue";
import { ProviderMark } from "@/components/agents/provider-mark";
import { Avatar } from "@/components/ui/avatar";
import { useServerAction } from "@/components/ui/use-server-action";
import type { IssueAssignee } from "@/lib/issues/page";
import type { AgentPicker } from "@/lib/agents/picker";
import { useAgentStore } from "@/stores/store-provider";

type Props = {
  slug: string;
  issueKey: string;
  canWrite: boolean;
  assignee: IssueAssignee | null;
  /** The run the current agent assignee was started with, and whether it was still going when the page was read. */
  assignedSession: { id: string; active: boolean } | null;
  picker: AgentPicker;
};

type Choice = IssuePatch["assignee"];

/** Select values: `none`, `user:<id>`, `agent:<provider>:<variant>`. */
const valueOf = (a: IssueAssignee | null) => (!a ? "none" : a.kind === "user" ? `user:${a.userId}` : `agent:${a.providerSlug}:${a.variantSlug}`);

function choiceOf(value: string, skill: string): Choice {
  if (value.startsWith("user:")) return { type: "user", user_id: value.slice(5) };
  if (value.startsWith("agent:")) {
    const [, provider_slug, variant_slug] = value.split(":");
    return { type: "agent", provider_slug: provider_slug!, variant_slug: variant_slug!, skill_trigger: skill || null };
  }
  return null;
}

/**
 * Assignee: a member, or an agent variant with an optional skill (assigning an agent starts it on
 * the issue). Moving away from an agent whose run is still going asks whether to stop that run.
 */
export const AssigneeField = observer(function AssigneeField({ slug, issueKey, canWrite, assignee, assignedSession, picker }: Props) {
  const router = useRouter();
  const agents = useAgentStore();
  const [value, setValue] = useState(valueOf(assignee));
  const [skill, setSkill] = useState(assignee?.kind === "agent" ? (assignee.skillTrigger ?? "") : "");
  const [asking, setAsking] = useState<{ value: string; skill: string } | null>(null);
  const action = useServerAction((patch: IssuePatch) => updateIssueAction(slug, issueKey, patch));
  // Another member's change arrives as a re-render with the new assignee.
  useEffect(() => {
    setValue(valueOf(assignee));
    setSkill(assignee?.kind === "agent" ? (assignee.skillTrigger ?? "") : "");
  }, [assignee]);

  const model = assignedSession ? agents.sessions.get(assignedSession.id) : undefined;
  const running = assignee?.kind === "agent" && !!assignedSession && (model ? model.isActive : assignedSession.active);

  async function save(nextValue: string, nextSkill: string, cancel: boolean | undefined) {
    const previous = { value, skill };
    setValue(nextValue);
    setSkill(nextSkill);
    setAsking(null);
    const result = await action.run({ assignee: choiceOf(nextValue, nextSkill), ...(cancel !== undefined && { cancel_session: cancel }) });
    if (!result.ok) {
      setValue(previous.value);
      setSkill(previous.skill);
    } else router.refresh();
  }

  function change(nextValue: string, nextSkill: string) {
    if (running) setAsking({ value: nextValue, skill: nextSkill });
    else void save(nextValue, nextSkill, undefined);
  }

  if (!canWrite) return <AssigneeView assignee={assignee} />;
  const isAgent = value.startsWith("agent:");
  return (
    <div className="space-y-2">
      <select aria-label="Assignee" className="input py-1.5" value={value} disabled={action.pending || !!asking} onChange={(e) => change(e.target.value, e.target.value.startsWith("agent:") ? skill : "")}>
        <option value="none">Nobody</option>
        <optgroup label="People">
          {picker.members.map((m) => (
            <option key={m.id} value={`user:${m.id}`}>
              {m.name}
            </option>
          ))}
        </optgroup>
        {picker.providers.map((p) => (
          <optgroup key={p.slug} label={`Agents · ${p.group}`}>
            {p.variants.map((v) => (
              <option key={v.slug} value={`agent:${p.slug}:${v.slug}`}>
                {v.name}
              </option>
            ))}
          </optgroup>
        ))}
        {/* An assignee the lists no longer offer (a provider disconnected since) still shows as chosen. */}
        {assignee?.kind === "agent" && !picker.providers.some((p) => p.slug === assignee.providerSlug && p.variants.some((v) => v.slug === assignee.variantSlug)) && (
          <option value={valueOf(assignee)}>{assignee.name}</option>
        )}
      </select>
      {isAgent && picker.skills.length > 0 && (
        <select aria-label="Assignee skill" className="input py-1.5" value={skill} disabled={action.pending || !!asking} onChange={(e) => change(value, e.target.value)}>
          <option value="">No skill</option>
          {picker.skills.map((s) => (
            <option key={s.trigger} value={s.trigger}>
              :{s.trigger} · {s.name}
            </option>
          ))}
        </select>
      )}
      {asking && assignee?.kind === "agent" && (
        <div role="alertdialog" aria-label="Stop the running agent?" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-xs text-amber-900">
          <p>
            <span className="font-medium">{assignee.name}</span> is still working on this issue. Stop its run?
          </p>
          <div className="mt-2 flex flex-wrap gap-1.5">
            <button type="button" className="btn-secondary px-2 py-1 text-xs text-red-700" onClick={() => save(asking.value, asking.skill, true)}>
              Stop the run
            </button>
            <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={() => save(asking.value, asking.skill, false)}>
              Let it finish
            </button>
            <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setAsking(null)}>
              Keep {assignee.name}
            </button>
          </div>
        </div>
      )}
      {action.error && (
        <p role="alert" className="text-xs text-red-600">
          {action.error.message}
        </p>
      )}
    </div>
  );
});

export function AssigneeView({ assignee }: { assignee: IssueAssignee | null }) {
  if (!assignee) return <span className="text-slate-400">Nobody</span>;
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5 text-slate-700">
      {assignee.kind === "user" ? <Avatar name={assignee.name} size="sm" /> : <ProviderMark provider={assignee.providerSlug} size="xs" />}
      <span className="truncate">{assignee.name}</span>
      {assignee.kind === "agent" && assignee.skillTrigger && <span className="font-mono text-xs text-slate-500">:{assignee.skillTrigger}</span>}
    </span>
  );
}

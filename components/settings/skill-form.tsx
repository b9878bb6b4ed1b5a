"use client";

import { useId, useMemo, useState } from "react";
import { createSkillAction, editSkillAction } from "@/app/actions/agent-settings";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import { renderMarkdown } from "@/lib/markdown/render";
import { ApprovalsFields, approvalsFromDraft, isApprovalsError, toApprovalsDraft, type ApprovalsDraft } from "./approvals-fields";
import type { ProviderChoice, SkillSettings } from "./types";

type Values = {
  name: string;
  trigger: string;
  description: string;
  instructions: string;
  default_provider: string;
  mode: SkillSettings["mode"];
  timeout_minutes: string;
  answer_wait_minutes: string;
  approvals: ApprovalsDraft;
  include_guest_comments: boolean;
  enabled: boolean;
};

const FIELDS = new Set(["name", "trigger", "description", "instructions", "default_provider", "mode", "timeout_minutes", "answer_wait_minutes", "include_guest_comments", "enabled"]);

const toValues = (s?: SkillSettings): Values => ({
  name: s?.name ?? "",
  trigger: s?.trigger ?? "",
  description: s?.description ?? "",
  instructions: s?.instructions ?? "",
  default_provider: s?.default_provider ?? "",
  mode: s?.mode ?? "autonomous",
  timeout_minutes: s?.timeout_minutes == null ? "" : String(s.timeout_minutes),
  answer_wait_minutes: s?.answer_wait_minutes == null ? "" : String(s.answer_wait_minutes),
  approvals: toApprovalsDraft(s?.approvals ?? null),
  include_guest_comments: s?.include_guest_comments ?? false,
  enabled: s?.enabled ?? true,
});

/** Create or edit a skill. Everything typed stays when the server refuses it; its message sits beside the field. */
export function SkillForm({ slug, skill, providers, onDone, onCancel }: { slug: string; skill?: SkillSettings; providers: ProviderChoice[]; onDone: (skill: SkillSettings) => void; onCancel: () => void }) {
  const save = useServerAction((input: Record<string, unknown>) => (skill ? editSkillAction(slug, skill.id, input) : createSkillAction(slug, input)));
  const [v, setV] = useState<Values>(() => toValues(skill));
  const guestHintId = useId();
  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setV((prev) => ({ ...prev, [key]: value }));
    // The message was about what was there before.
    if (save.error?.field === key || (key === "approvals" && isApprovalsError(save.error?.field))) save.clearError();
  };
  const title = skill ? `Edit ${skill.name}` : "New skill";

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const timeout = v.timeout_minutes.trim();
    const wait = v.answer_wait_minutes.trim();
    const result = await save.run({
      name: v.name,
      trigger: v.trigger.replace(/^:/, ""),
      description: v.description,
      instructions: v.instructions,
      default_provider: v.default_provider || null,
      mode: v.mode,
      // Sent as typed ("abc" is NaN): the server names the problem.
      timeout_minutes: timeout === "" ? null : Number(timeout),
      answer_wait_minutes: wait === "" ? null : Number(wait),
      approvals: approvalsFromDraft(v.approvals, true),
      include_guest_comments: v.include_guest_comments,
      enabled: v.enabled,
    });
    if (result.ok) onDone(result.data);
  }

  const otherError = save.error && !(save.error.field && (FIELDS.has(save.error.field) || isApprovalsError(save.error.field))) ? save.error.message : undefined;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={title} className="space-y-4">
      <h3 className="font-semibold">{title}</h3>
      <FormError message={otherError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" error={save.fieldError("name")}>
          {(p) => <input {...p} className="input" value={v.name} onChange={(e) => set("name", e.target.value)} placeholder="Fix a bug" />}
        </Field>
        <Field label="Trigger" error={save.fieldError("trigger")} hint="Mention it as @claude:fix-bug, or @:fix-bug for the default provider.">
          {(p) => (
            <div className="flex rounded-md shadow-sm">
              <span aria-hidden className="inline-flex items-center rounded-l-md border border-r-0 border-slate-300 bg-slate-50 px-2.5 font-mono text-sm text-slate-500">
                :
              </span>
              <input {...p} className="input rounded-l-none font-mono shadow-none" value={v.trigger} onChange={(e) => set("trigger", e.target.value)} placeholder="fix-bug" />
            </div>
          )}
        </Field>
        <div className="sm:col-span-2">
          <Field label="Description" error={save.fieldError("description")}>
            {(p) => <input {...p} className="input" value={v.description} onChange={(e) => set("description", e.target.value)} placeholder="What the skill is for" />}
          </Field>
        </div>
        <Field label="Default provider" error={save.fieldError("default_provider")}>
          {(p) => (
            <select {...p} className="input" value={v.default_provider} onChange={(e) => set("default_provider", e.target.value)}>
              <option value="">None (the mention names the agent)</option>
              {providers.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Mode" error={save.fieldError("mode")}>
          {(p) => (
            <select {...p} className="input" value={v.mode} onChange={(e) => set("mode", e.target.value as Values["mode"])}>
              <option value="autonomous">Autonomous: commits and opens a pull request</option>
              <option value="comment_only">Comment only: answers in a comment</option>
            </select>
          )}
        </Field>
        <Field label="Timeout in minutes (optional)" error={save.fieldError("timeout_minutes")} hint="Empty: the provider's timeout.">
          {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={120} className="input" value={v.timeout_minutes} onChange={(e) => set("timeout_minutes", e.target.value)} />}
        </Field>
        <Field label="Wait for an answer (minutes)" error={save.fieldError("answer_wait_minutes")} hint="How long a question or approval waits for a member. Empty: 60.">
          {(p) => (
            <input {...p} type="number" inputMode="numeric" min={1} max={1440} className="input" value={v.answer_wait_minutes} onChange={(e) => set("answer_wait_minutes", e.target.value)} placeholder="60" />
          )}
        </Field>
        <div className="sm:col-span-2">
          <label className="inline-flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 rounded border-slate-300 text-indigo-600" checked={v.enabled} onChange={(e) => set("enabled", e.target.checked)} />
            Enabled
          </label>
        </div>
        <div className="sm:col-span-2">
          <label className="inline-flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
              checked={v.include_guest_comments}
              onChange={(e) => set("include_guest_comments", e.target.checked)}
              aria-describedby={guestHintId}
            />
            <span>
              Include guests&apos; comments in the prompt
              <span id={guestHintId} className="block text-xs text-slate-500">
                Off: the agent reads only comments by members, admins and agents. Guests can read the workspace but should not steer its agents.
              </span>
            </span>
          </label>
          {save.fieldError("include_guest_comments") && (
            <p role="alert" className="mt-1 text-sm text-red-600">
              {save.fieldError("include_guest_comments")}
            </p>
          )}
        </div>
        <div className="sm:col-span-2">
          <ApprovalsFields draft={v.approvals} onChange={(next) => set("approvals", next)} error={save.error} canInherit />
        </div>
      </div>
      <InstructionsEditor value={v.instructions} error={save.fieldError("instructions")} onChange={(text) => set("instructions", text)} />
      <div className="flex gap-2">
        <button type="submit" className="btn-primary" disabled={save.pending}>
          {save.pending ? "Saving…" : skill ? "Save skill" : "Create skill"}
        </button>
        <button type="button" className="btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Markdown instructions with Write / Preview tabs; the preview uses the same sanitizing renderer as comments. */
function InstructionsEditor({ value, error, onChange }: { value: string; error?: string; onChange: (text: string) => void }) {
  const id = useId();
  const [tab, setTab] = useState<"write" | "preview">("write");
  const html = useMemo(() => (tab === "preview" ? renderMarkdown(value) : ""), [tab, value]);
  const tabClass = (t: typeof tab) =>
    `rounded-t-md border-b-2 px-3 py-1.5 text-sm ${tab === t ? "border-indigo-600 font-medium text-slate-900" : "border-transparent text-slate-500 hover:text-slate-800"}`;
  return (
    <div className="space-y-1.5">
      <div className="flex items-end justify-between border-b border-slate-200">
        <label htmlFor={`${id}-text`} className="pb-1.5 text-sm font-medium text-slate-700">
          Instructions
        </label>
        <div role="tablist" aria-label="Write or preview" className="-mb-px flex">
          <button type="button" role="tab" id={`${id}-write`} aria-selected={tab === "write"} aria-controls={`${id}-panel`} className={tabClass("write")} onClick={() => setTab("write")}>
            Write
          </button>
          <button type="button" role="tab" id={`${id}-preview`} aria-selected={tab === "preview"} aria-controls={`${id}-panel`} className={tabClass("preview")} onClick={() => setTab("preview")}>
            Preview
          </button>
        </div>
      </div>
      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-${tab}`}>
        {/* Kept mounted (and labelled) while previewing; `.input` sets display, so the hidden attribute alone would not hide it. */}
        <textarea
          id={`${id}-text`}
          hidden={tab !== "write"}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          className={`input min-h-48 font-mono text-[13px] leading-relaxed ${tab === "write" ? "" : "hidden"}`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={"What the agent should do, in Markdown.\n\n1. Reproduce the failure\n2. Fix it\n3. Add a test"}
        />
        {tab === "preview" &&
          (value.trim() ? (
            <div className="prose-markdown prose-sm min-h-48 rounded-md border border-slate-200 bg-white px-4 py-3 [&>:first-child]:mt-0" data-testid="instructions-preview" dangerouslySetInnerHTML={{ __html: html }} />
          ) : (
            <p className="min-h-48 rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-400">Nothing to preview.</p>
          ))}
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          Sent to the agent with every mention of this skill. Markdown.
        </p>
      )}
    </div>
  );
}

"use client";

import { useId } from "react";
import type { ApprovalPolicyJson } from "./types";

/**
 * The "Approvals" group of the skill form and of a provider's card: which of an agent's actions
 * stop its run until a member approves them. Typed as the admin sees it (patterns one a line,
 * tools comma-separated); turned into the API's policy only on save, so the server names problems.
 */

export type ApprovalsDraft = {
  /** Skills only: no policy of its own, the provider's applies. */
  inherit: boolean;
  shell: ApprovalPolicyJson["shell"];
  patterns: string;
  outsideWorkTree: boolean;
  tools: string;
};

export const toApprovalsDraft = (p: ApprovalPolicyJson | null): ApprovalsDraft => ({
  inherit: p === null,
  shell: p?.shell ?? "none",
  patterns: (p?.shell_patterns ?? []).join("\n"),
  outsideWorkTree: p?.outside_work_tree ?? false,
  tools: (p?.tools ?? []).join(", "),
});

const splitList = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

/** The policy to send; null when the skill inherits. Patterns are kept only while "matching…" is chosen. */
export function approvalsFromDraft(d: ApprovalsDraft, canInherit: boolean): ApprovalPolicyJson | null {
  if (canInherit && d.inherit) return null;
  return {
    shell: d.shell,
    shell_patterns: d.shell === "patterns" ? splitList(d.patterns, /\n/) : [],
    outside_work_tree: d.outsideWorkTree,
    tools: splitList(d.tools, /,/),
  };
}

type ServerError = { field?: string; message: string } | null;

/** The server's message for one part of the group (`approvals.tools.1` → the tools box, "Tool 2: …"). */
function errorFor(error: ServerError, part: "" | "shell" | "shell_patterns" | "outside_work_tree" | "tools"): string | undefined {
  const field = error?.field;
  if (!field || !(field === "approvals" || field.startsWith("approvals."))) return undefined;
  const [, name, index] = field.split(".");
  if ((name ?? "") !== part) return undefined;
  if (index !== undefined && /^\d+$/.test(index)) return `${part === "tools" ? "Tool" : "Pattern"} ${Number(index) + 1}: ${error!.message}`;
  return error!.message;
}

/** Whether a server error belongs to this group (the form shows it here, not at the top). */
export const isApprovalsError = (field?: string) => !!field && (field === "approvals" || field.startsWith("approvals."));

const SHELL_CHOICES: { value: ApprovalsDraft["shell"]; label: string }[] = [
  { value: "none", label: "Never ask" },
  { value: "all", label: "Ask for every command" },
  { value: "patterns", label: "Ask for commands matching…" },
];

export function ApprovalsFields({
  draft,
  onChange,
  error,
  canInherit,
}: {
  draft: ApprovalsDraft;
  onChange: (next: ApprovalsDraft) => void;
  error: ServerError;
  /** Skills: offer "Use the provider's default" as the unset choice. */
  canInherit: boolean;
}) {
  const id = useId();
  const set = <K extends keyof ApprovalsDraft>(key: K, value: ApprovalsDraft[K]) => onChange({ ...draft, [key]: value });
  const own = !(canInherit && draft.inherit);
  const groupError = errorFor(error, "");
  const shellError = errorFor(error, "shell");
  const patternsError = errorFor(error, "shell_patterns");
  const outsideError = errorFor(error, "outside_work_tree");
  const toolsError = errorFor(error, "tools");
  const alert = (id2: string, message?: string) =>
    message && (
      <p id={id2} role="alert" className="text-sm text-red-600">
        {message}
      </p>
    );

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 px-4 pb-4 pt-2" aria-describedby={`${id}-hint`}>
      <legend className="px-1 text-sm font-medium text-slate-700">Approvals</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        These actions stop the run until a member approves or rejects them on the issue.
      </p>
      {alert(`${id}-group-error`, groupError)}
      {canInherit && (
        <label className="inline-flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" className="h-4 w-4 rounded border-slate-300 text-indigo-600" checked={draft.inherit} onChange={(e) => set("inherit", e.target.checked)} />
          Use the provider&apos;s default
        </label>
      )}
      {own && (
        <div className="space-y-3">
          <fieldset aria-invalid={!!shellError} aria-describedby={shellError ? `${id}-shell-error` : undefined}>
            <legend className="mb-1 text-sm font-medium text-slate-700">Shell commands</legend>
            <div className="flex flex-wrap gap-x-5 gap-y-1">
              {SHELL_CHOICES.map((c) => (
                <label key={c.value} className="inline-flex items-center gap-2 text-sm text-slate-700">
                  <input type="radio" name={`${id}-shell`} value={c.value} className="h-4 w-4 border-slate-300 text-indigo-600" checked={draft.shell === c.value} onChange={() => set("shell", c.value)} />
                  {c.label}
                </label>
              ))}
            </div>
            {alert(`${id}-shell-error`, shellError)}
          </fieldset>
          {draft.shell === "patterns" && (
            <div className="space-y-1.5">
              <label htmlFor={`${id}-patterns`} className="block text-sm font-medium text-slate-700">
                Commands that need approval
              </label>
              <textarea
                id={`${id}-patterns`}
                rows={3}
                className="input font-mono text-[13px]"
                value={draft.patterns}
                onChange={(e) => set("patterns", e.target.value)}
                placeholder={"rm\ngit push\ncurl"}
                aria-invalid={!!patternsError}
                aria-describedby={patternsError ? `${id}-patterns-error` : `${id}-patterns-hint`}
              />
              {alert(`${id}-patterns-error`, patternsError) || (
                <p id={`${id}-patterns-hint`} className="text-xs text-slate-500">
                  One per line. <code className="font-mono">git push</code> also matches <code className="font-mono">cd app &amp;&amp; git push -f</code>, not <code className="font-mono">echo git push</code>.
                </p>
              )}
            </div>
          )}
          <div>
            <label className="inline-flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                checked={draft.outsideWorkTree}
                onChange={(e) => set("outsideWorkTree", e.target.checked)}
                aria-invalid={!!outsideError}
              />
              Ask before writing outside the work tree
            </label>
            {alert(`${id}-outside-error`, outsideError)}
          </div>
          <div className="space-y-1.5">
            <label htmlFor={`${id}-tools`} className="block text-sm font-medium text-slate-700">
              Always ask for these tools
            </label>
            <input
              id={`${id}-tools`}
              className="input font-mono text-[13px]"
              value={draft.tools}
              onChange={(e) => set("tools", e.target.value)}
              placeholder="WebFetch, web_fetch"
              aria-invalid={!!toolsError}
              aria-describedby={toolsError ? `${id}-tools-error` : `${id}-tools-hint`}
            />
            {alert(`${id}-tools-error`, toolsError) || (
              <p id={`${id}-tools-hint`} className="text-xs text-slate-500">
                Tool names as the CLI calls them, separated by commas.
              </p>
            )}
          </div>
        </div>
      )}
    </fieldset>
  );
}

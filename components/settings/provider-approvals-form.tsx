"use client";

import { useState } from "react";
import { updateProviderSettingsAction } from "@/app/actions/agent-settings";
import { FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import { ApprovalsFields, approvalsFromDraft, isApprovalsError, toApprovalsDraft } from "./approvals-fields";
import type { ProviderSettings } from "./types";

/** A provider's default approvals: what its runs ask about when their skill sets no policy. A policy asking nothing is saved as null. */
export function ProviderApprovalsForm({ slug, provider, onSaved }: { slug: string; provider: ProviderSettings; onSaved: (config: Omit<ProviderSettings, "paste">) => void }) {
  const save = useServerAction((approvals: unknown) => updateProviderSettingsAction(slug, provider.provider_slug, { approvals }));
  const [draft, setDraft] = useState(() => toApprovalsDraft(provider.approvals));
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    const policy = approvalsFromDraft(draft, false)!;
    const asks = policy.shell === "all" || policy.shell_patterns.length > 0 || policy.outside_work_tree || policy.tools.length > 0;
    const result = await save.run(asks ? policy : null);
    if (result.ok) {
      setSaved(true);
      onSaved(result.data);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`${provider.name} approvals`} className="space-y-3">
      <ApprovalsFields
        draft={draft}
        onChange={(next) => {
          setDraft(next);
          setSaved(false);
          if (isApprovalsError(save.error?.field)) save.clearError();
        }}
        error={save.error}
        canInherit={false}
      />
      <FormError message={save.error && !isApprovalsError(save.error.field) ? save.error.message : undefined} />
      <div className="flex items-center gap-2">
        <button type="submit" className="btn-secondary" disabled={save.pending}>
          {save.pending ? "Saving…" : "Save approvals"}
        </button>
        <span role="status" className="text-xs text-emerald-700">
          {saved && !save.pending ? "Saved" : ""}
        </span>
      </div>
    </form>
  );
}

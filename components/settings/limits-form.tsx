"use client";

import { useState } from "react";
import { updateProviderSettingsAction } from "@/app/actions/agent-settings";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import type { ProviderSettings } from "./types";

type Limits = { max_concurrent_sessions: number; timeout_minutes: number; when_full: "queue" | "refuse" };

/** Concurrency and timeout. The server validates; its message shows beside the field and the typed value stays. */
export function LimitsForm({ slug, provider, onSaved }: { slug: string; provider: ProviderSettings; onSaved: (config: Omit<ProviderSettings, "paste">) => void }) {
  const save = useServerAction((limits: Limits) => updateProviderSettingsAction(slug, provider.provider_slug, limits));
  const [max, setMax] = useState(String(provider.max_concurrent_sessions));
  const [timeout, setTimeoutValue] = useState(String(provider.timeout_minutes));
  const [whenFull, setWhenFull] = useState(provider.when_full);
  const [empty, setEmpty] = useState<keyof Limits | null>(null);
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    // An empty box is the one thing the server cannot be asked about: it needs a number.
    const blank = max.trim() === "" ? "max_concurrent_sessions" : timeout.trim() === "" ? "timeout_minutes" : null;
    setEmpty(blank);
    if (blank) return;
    const result = await save.run({ max_concurrent_sessions: Number(max), timeout_minutes: Number(timeout), when_full: whenFull });
    if (result.ok) {
      setSaved(true);
      onSaved(result.data);
    }
  }

  const errorFor = (field: keyof Limits) => (empty === field ? "Enter a number." : save.fieldError(field));
  const otherError = save.error && !["max_concurrent_sessions", "timeout_minutes", "when_full"].includes(save.error.field ?? "") ? save.error.message : undefined;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`${provider.name} limits`} className="grid gap-4 sm:grid-cols-[1fr_1fr_1.4fr_auto] sm:items-start">
      <Field label="Max concurrent sessions" error={errorFor("max_concurrent_sessions")}>
        {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={100} className="input" value={max} onChange={(e) => setMax(e.target.value)} />}
      </Field>
      <Field label="Timeout (minutes)" error={errorFor("timeout_minutes")}>
        {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={120} className="input" value={timeout} onChange={(e) => setTimeoutValue(e.target.value)} />}
      </Field>
      <Field label="When all are busy" error={save.fieldError("when_full")}>
        {(p) => (
          <select {...p} className="input" value={whenFull} onChange={(e) => setWhenFull(e.target.value as Limits["when_full"])}>
            <option value="queue">Queue the mention</option>
            <option value="refuse">Refuse the mention</option>
          </select>
        )}
      </Field>
      <div className="flex items-center gap-2 sm:pt-[1.625rem]">
        <button type="submit" className="btn-secondary" disabled={save.pending}>
          {save.pending ? "Saving…" : "Save limits"}
        </button>
        <span role="status" className="text-xs text-emerald-700">
          {saved && !save.pending ? "Saved" : ""}
        </span>
      </div>
      {otherError && (
        <div className="sm:col-span-4">
          <FormError message={otherError} />
        </div>
      )}
    </form>
  );
}

"use client";

import { useState } from "react";
import { updateProviderSettingsAction, type ProviderSettingsInput } from "@/app/actions/agent-settings";
import { ProviderMark } from "@/components/agents/provider-mark";
import { FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import { WithCode } from "./badges";
import { ConnectionCard } from "./connection/connection-card";
import type { OAuthAvailability } from "./connection/oauth-button";
import type { PasteWords } from "./connection/token-form";
import { LimitsForm } from "./limits-form";
import { ProviderApprovalsForm } from "./provider-approvals-form";
import { Switch } from "./switch";
import type { ProviderSettings } from "./types";

/** How a provider's pasted token is asked for, from its paste rule. */
function pasteWords(provider: ProviderSettings): PasteWords | null {
  const paste = provider.paste;
  if (!paste) return null;
  return {
    formLabel: `Connect ${provider.name}`,
    fieldLabel: `${provider.name} OAuth token`,
    placeholder: paste.shape,
    submitLabel: "Connect",
    hint: (
      <>
        <WithCode text={`${paste.howTo.charAt(0).toUpperCase()}${paste.howTo.slice(1)}`} /> (<code className="font-mono">{paste.shape}</code>).
        {paste.expiresInMinutes ? ` It stops working after ${paste.expiresInMinutes} minutes.` : ""} API keys are not accepted.
      </>
    ),
  };
}

/** An admin's card for one provider: on/off, connection, variants, limits and default approvals. */
export function ProviderCard({ slug, provider: fromServer, oauth }: { slug: string; provider: ProviderSettings; oauth: OAuthAvailability }) {
  // What the last action answered, until the server renders the page again.
  const [provider, setProvider] = useState(fromServer);
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setProvider(fromServer);
  }
  const update = (next: Omit<ProviderSettings, "paste">) => setProvider((p) => ({ ...next, paste: p.paste }));
  const toggle = useServerAction((input: ProviderSettingsInput) => updateProviderSettingsAction(slug, provider.provider_slug, input));
  // Switches move at once; a refused change puts them back.
  const [overrides, setOverrides] = useState<Record<string, boolean>>({});
  const enabled = overrides[""] ?? provider.enabled;

  async function flip(key: string, next: boolean, input: ProviderSettingsInput) {
    setOverrides((o) => ({ ...o, [key]: next }));
    const result = await toggle.run(input);
    if (result.ok) update(result.data);
    setOverrides((o) => {
      const { [key]: _dropped, ...rest } = o;
      return rest;
    });
  }

  return (
    <ConnectionCard
      slug={slug}
      kind={provider.provider_slug}
      name={provider.name}
      mark={<ProviderMark provider={provider.provider_slug} />}
      connection={provider.connection}
      oauth={oauth}
      paste={pasteWords(provider)}
      onChanged={(change) => change.provider && update(change.provider)}
      words={{
        subtitle: provider.group,
        connectLabel: "Connect with OAuth",
        reconnectLabel: "Reconnect with OAuth",
        oauthTitle: `Sign in at ${provider.name} and allow Dispatch to use it`,
        disconnected: `${provider.name} agents cannot run until the provider is connected.`,
        disconnectQuestion: `Disconnect ${provider.name}? Its token is deleted and its agents cannot run until someone connects it again.`,
        replaceLabel: "Replace token",
      }}
      headerExtra={
        <label className="flex items-center gap-2 text-sm text-slate-600">
          <span aria-hidden>{enabled ? "Enabled" : "Disabled"}</span>
          <Switch label={`Enable ${provider.name}`} checked={enabled} disabled={toggle.pending} onChange={(next) => flip("", next, { enabled: next })} />
        </label>
      }
    >
      <div className="px-5 py-4">
        <h4 className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-400">Variants</h4>
        <ul className="divide-y divide-slate-100" aria-label={`${provider.name} variants`}>
          {provider.variants.map((v) => {
            const on = overrides[v.slug] ?? v.enabled;
            return (
              <li key={v.slug} className="flex items-center gap-3 py-2">
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium">
                    {v.name}
                    {v.is_default && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">default</span>}
                  </p>
                  <p className="font-mono text-xs text-slate-500">
                    @{provider.provider_slug}-{v.slug} · {v.model}
                  </p>
                </div>
                <Switch label={`Enable ${v.name}`} checked={on} disabled={toggle.pending} onChange={(next) => flip(v.slug, next, { variants: [{ slug: v.slug, enabled: next }] })} />
              </li>
            );
          })}
        </ul>
        <FormError message={toggle.error?.message} />
      </div>

      <div className="px-5 py-4">
        <h4 className="mb-3 text-xs font-medium uppercase tracking-wide text-slate-400">Limits</h4>
        <LimitsForm slug={slug} provider={provider} onSaved={update} />
      </div>

      <div className="px-5 py-4">
        <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-400">Default approvals</h4>
        <p className="mb-3 text-xs text-slate-500">For runs whose skill sets none (and runs without a skill).</p>
        <ProviderApprovalsForm slug={slug} provider={provider} onSaved={update} />
      </div>
    </ConnectionCard>
  );
}


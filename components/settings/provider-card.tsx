"use client";

import { useId, useState } from "react";
import { disconnectAction, updateProviderSettingsAction, type ProviderSettingsInput } from "@/app/actions/agent-settings";
import { ProviderMark } from "@/components/agents/provider-mark";
import { FormError } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { useServerAction } from "@/components/ui/use-server-action";
import { ConnectionBadge } from "./badges";
import type { OAuthAvailability } from "./connect-oauth-button";
import { ConnectTokenForm } from "./connect-token-form";
import { LimitsForm } from "./limits-form";
import { Switch } from "./switch";
import type { ProviderSettings } from "./types";

/** An admin's card for one provider: on/off, connection, variants and limits. */
export function ProviderCard({ slug, provider: fromServer, oauth }: { slug: string; provider: ProviderSettings; oauth: OAuthAvailability }) {
  // What the last action answered, until the server renders the page again.
  const [provider, setProvider] = useState(fromServer);
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setProvider(fromServer);
  }
  const update = (next: Omit<ProviderSettings, "paste">) => setProvider((p) => ({ ...next, paste: p.paste }));
  const headingId = useId();
  const toggle = useServerAction((input: ProviderSettingsInput) => updateProviderSettingsAction(slug, provider.provider_slug, input));
  const remove = useServerAction((_: void) => disconnectAction(slug, provider.provider_slug));
  // Switches move at once; a refused change puts them back.
  const [overrides, setOverrides] = useState<Record<string, boolean>>({});
  const [replacing, setReplacing] = useState(false);
  const connected = provider.connection_status === "connected";
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

  async function onDisconnect() {
    if (!window.confirm(`Disconnect ${provider.name}? Its token is deleted and its agents cannot run until someone connects it again.`)) return;
    const result = await remove.run();
    if (result.ok) {
      setReplacing(false);
      update(result.data);
    }
  }

  return (
    <section aria-labelledby={headingId} className="card divide-y divide-slate-100">
      <header className="flex items-center gap-3 px-5 py-4">
        <ProviderMark provider={provider.provider_slug} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={headingId} className="font-semibold">
              {provider.name}
            </h3>
            <ConnectionBadge status={provider.connection_status} />
          </div>
          <p className="text-xs text-slate-500">{provider.group}</p>
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-600">
          <span aria-hidden>{enabled ? "Enabled" : "Disabled"}</span>
          <Switch label={`Enable ${provider.name}`} checked={enabled} disabled={toggle.pending} onChange={(next) => flip("", next, { enabled: next })} />
        </label>
      </header>

      <div className="space-y-3 px-5 py-4">
        <h4 className="text-xs font-medium uppercase tracking-wide text-slate-400">Connection</h4>
        <ConnectionDetails provider={provider} />
        <FormError message={remove.error?.message} />
        {connected && !replacing ? (
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn-secondary" onClick={() => setReplacing(true)}>
              Replace token
            </button>
            <button type="button" className="btn-danger" onClick={onDisconnect} disabled={remove.pending}>
              {remove.pending ? "Disconnecting…" : "Disconnect"}
            </button>
          </div>
        ) : (
          <ConnectTokenForm
            slug={slug}
            provider={provider}
            oauth={oauth}
            onCancel={connected ? () => setReplacing(false) : undefined}
            onConnected={(config) => {
              setReplacing(false);
              update(config);
            }}
          />
        )}
      </div>

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
    </section>
  );
}

function ConnectionDetails({ provider }: { provider: ProviderSettings }) {
  if (provider.connection_status === "disconnected") {
    return <p className="text-sm text-slate-500">{provider.name} agents cannot run until the provider is connected.</p>;
  }
  const expires = provider.token_expires_at ? new Date(provider.token_expires_at) : null;
  const expired = !!expires && expires.getTime() <= Date.now();
  return (
    <p className="text-sm text-slate-600">
      {provider.connection_status === "needs_reconnect" && <span className="text-amber-800">The token expired and could not be renewed; reconnect {provider.name} to run its agents again. </span>}
      {provider.connected_by ? <>Connected by <span className="font-medium text-slate-900">{provider.connected_by.name}</span></> : "Connected"}
      {provider.connected_at && (
        <>
          {" "}
          <RelativeTime date={provider.connected_at} />
        </>
      )}
      {expires && (
        <span className={expired ? "text-red-600" : undefined}>
          {" · "}
          {expired ? "Token expired " : "Token expires "}
          <RelativeTime date={expires} />
        </span>
      )}
    </p>
  );
}

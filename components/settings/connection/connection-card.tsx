"use client";

import { useId, useState } from "react";
import { connectWithTokenAction, disconnectAction } from "@/app/actions/connections";
import { FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import type { ConnectionJson } from "@/lib/connections/json";
import type { ProviderConfigJson } from "@/lib/agents/providers";
import { ConnectionBadge } from "../badges";
import { ConnectionSummary } from "./connection-summary";
import { ConnectOAuthButton, type OAuthAvailability } from "./oauth-button";
import { TokenForm, type PasteWords } from "./token-form";

/** What a change answers: the connection, and a provider's settings beside it. */
export type ConnectionChange = { connection: ConnectionJson; provider?: ProviderConfigJson };

/** The words that differ between kinds. */
export type ConnectionCardWords = {
  subtitle: string;
  connectLabel: string;
  reconnectLabel: string;
  /** The OAuth button's title: what signing in there allows. */
  oauthTitle: string;
  /** Shown while disconnected. */
  disconnected: string;
  disconnectQuestion: string;
  /** The button that opens the token form while connected. */
  replaceLabel: string;
  /** Above the token form, when the kind is mainly connected by OAuth: [while disconnected, while connected]. */
  pasteHeadings?: [string, string];
  /** Why the OAuth button is disabled, shown under it (otherwise its title says). */
  oauthMissing?: React.ReactNode;
  /** OAuth is the usual way: its button is the primary one. */
  oauthFirst?: boolean;
};

/**
 * An admin's card for one connection of any kind: its state, Connect by OAuth, a pasted token,
 * Disconnect. Controlled: the owner keeps what the last change answered. More sections (a
 * provider's variants and limits) come as children.
 */
export function ConnectionCard(props: {
  slug: string;
  kind: string;
  name: string;
  mark: React.ReactNode;
  connection: ConnectionJson;
  oauth: OAuthAvailability;
  paste: PasteWords | null;
  words: ConnectionCardWords;
  onChanged: (change: ConnectionChange) => void;
  headerExtra?: React.ReactNode;
  children?: React.ReactNode;
}) {
  const { slug, kind, name, connection, words } = props;
  const headingId = useId();
  const reasonId = useId();
  const remove = useServerAction((_: void) => disconnectAction(slug, kind));
  const [pasting, setPasting] = useState(false);
  const connected = connection.status !== "disconnected";
  const changed = (change: ConnectionChange) => {
    setPasting(false);
    props.onChanged(change);
  };

  async function onDisconnect() {
    if (!window.confirm(words.disconnectQuestion)) return;
    const result = await remove.run();
    if (result.ok) changed(result.data);
  }

  return (
    <section aria-labelledby={headingId} className="card divide-y divide-slate-100">
      <header className="flex items-center gap-3 px-5 py-4">
        {props.mark}
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={headingId} className="font-semibold">
              {name}
            </h3>
            <ConnectionBadge status={connection.status} />
          </div>
          <p className="text-xs text-slate-500">{words.subtitle}</p>
        </div>
        {props.headerExtra}
      </header>

      <div className="space-y-3 px-5 py-4">
        <h4 className="text-xs font-medium uppercase tracking-wide text-slate-400">Connection</h4>
        <ConnectionSummary connection={connection} name={name} disconnected={words.disconnected} />
        <FormError message={remove.error?.message} />
        <div className="flex flex-wrap items-center gap-2">
          <ConnectOAuthButton
            slug={slug}
            kind={kind}
            name={name}
            label={connected ? words.reconnectLabel : words.connectLabel}
            title={words.oauthTitle}
            oauth={props.oauth}
            primary={!!words.oauthFirst && !connected}
            disabledReasonId={words.oauthMissing ? reasonId : undefined}
          />
          {connected && !pasting && props.paste && (
            <button type="button" className="btn-secondary" onClick={() => setPasting(true)}>
              {words.replaceLabel}
            </button>
          )}
          {connected && (
            <button type="button" className="btn-danger" onClick={onDisconnect} disabled={remove.pending}>
              {remove.pending ? "Disconnecting…" : "Disconnect"}
            </button>
          )}
        </div>
        {!props.oauth.enabled && words.oauthMissing && (
          <p id={reasonId} className="text-xs text-slate-500">
            {words.oauthMissing}
          </p>
        )}
        {!props.paste && !connected && <p className="text-sm text-slate-500">{name} can only be connected through OAuth.</p>}
      </div>

      {props.paste && (!connected || pasting) && (
        <div className="space-y-3 px-5 py-4">
          {words.pasteHeadings && <h4 className="text-xs font-medium uppercase tracking-wide text-slate-400">{connected ? words.pasteHeadings[1] : words.pasteHeadings[0]}</h4>}
          <TokenForm
            words={props.paste}
            primary={!words.oauthFirst}
            connect={(token) => connectWithTokenAction(slug, kind, { token })}
            onCancel={connected ? () => setPasting(false) : undefined}
            onConnected={changed}
          />
        </div>
      )}
      {props.children}
    </section>
  );
}

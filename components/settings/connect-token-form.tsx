"use client";

import { useId, useState } from "react";
import { connectWithTokenAction } from "@/app/actions/agent-settings";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import { WithCode } from "./badges";
import { ConnectOAuthButton, type OAuthAvailability } from "./connect-oauth-button";
import type { ProviderSettings } from "./types";

/**
 * Paste an OAuth token (`claude setup-token`'s output, a Google access token). The field is a
 * password input so the token is not on screen; it is cleared once stored, kept on a refusal.
 */
export function ConnectTokenForm({
  slug,
  provider,
  oauth,
  onConnected,
  onCancel,
}: {
  slug: string;
  provider: ProviderSettings;
  oauth: OAuthAvailability;
  onConnected: (config: Omit<ProviderSettings, "paste">) => void;
  onCancel?: () => void;
}) {
  const connect = useServerAction((token: string) => connectWithTokenAction(slug, provider.provider_slug, { token }));
  const [token, setToken] = useState("");
  const hintId = useId();
  const paste = provider.paste;
  const hint = paste && (
    <>
      <WithCode text={`${paste.howTo.charAt(0).toUpperCase()}${paste.howTo.slice(1)}`} /> (<code className="font-mono">{paste.shape}</code>).
      {paste.expiresInMinutes ? ` It stops working after ${paste.expiresInMinutes} minutes.` : ""} API keys are not accepted.
    </>
  );

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const result = await connect.run(token);
    if (result.ok) {
      setToken("");
      onConnected(result.data);
    }
  }

  const tokenError = connect.fieldError("token");
  const otherError = connect.error && connect.error.field !== "token" ? connect.error.message : undefined;

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label={`Connect ${provider.name}`}>
      {paste ? (
        <Field label={`${provider.name} OAuth token`} error={tokenError}>
          {(p) => (
            <>
              <input
                {...p}
                aria-describedby={p["aria-describedby"] ?? hintId}
                type="password"
                autoComplete="off"
                spellCheck={false}
                className="input font-mono"
                placeholder={paste.shape}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
              {!tokenError && (
                <p id={hintId} className="text-xs text-slate-500">
                  {hint}
                </p>
              )}
            </>
          )}
        </Field>
      ) : (
        <p className="text-sm text-slate-500">{provider.name} can only be connected through OAuth.</p>
      )}
      <FormError message={otherError} />
      <div className="flex flex-wrap items-center gap-2">
        {paste && (
          <button type="submit" className="btn-primary" disabled={connect.pending}>
            {connect.pending ? "Connecting…" : "Connect"}
          </button>
        )}
        <ConnectOAuthButton
          slug={slug}
          provider={provider.provider_slug}
          name={provider.name}
          oauth={oauth}
          label={provider.connection_status === "disconnected" ? "Connect with OAuth" : "Reconnect with OAuth"}
        />
        {onCancel && (
          <button type="button" className="btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

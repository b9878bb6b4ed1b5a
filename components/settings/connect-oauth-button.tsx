"use client";

import { useState } from "react";
import { FormError } from "@/components/ui/field";

export type OAuthAvailability = { enabled: boolean; hint: string | null };

/**
 * Starts the OAuth authorization code flow: the server records a one-time state and answers with
 * the provider's authorization URL, where the browser goes next. Disabled, with the variables to
 * set in its title, when the provider has no OAuth configuration.
 */
export function ConnectOAuthButton({ slug, provider, name, oauth, label = "Connect with OAuth" }: { slug: string; provider: string; name: string; oauth: OAuthAvailability; label?: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setPending(true);
    setError(null);
    try {
      const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/agent/config/connect/${encodeURIComponent(provider)}`, { method: "POST" });
      const body = (await res.json().catch(() => null)) as { authorization_url?: string; error?: { message?: string } } | null;
      if (res.ok && body?.authorization_url) {
        window.location.assign(body.authorization_url);
        return; // the page is leaving; keep the button busy
      }
      setError(body?.error?.message ?? `Could not start connecting ${name}. Please try again.`);
    } catch {
      setError(`Could not reach Dispatch to start connecting ${name}. Check your connection and try again.`);
    }
    setPending(false);
  }

  return (
    <>
      <button
        type="button"
        className="btn-secondary"
        disabled={!oauth.enabled || pending}
        title={oauth.enabled ? `Sign in at ${name} and allow Dispatch to use it` : (oauth.hint ?? undefined)}
        onClick={start}
      >
        {pending ? "Redirecting…" : label}
      </button>
      {error && (
        <div className="basis-full">
          <FormError message={error} />
        </div>
      )}
    </>
  );
}

"use client";

import { useState } from "react";
import { FormError } from "@/components/ui/field";

/** Whether the operator set up the kind's OAuth client; the hint says which variables to set when not. */
export type OAuthAvailability = { enabled: boolean; hint: string | null };

/**
 * Starts the OAuth authorization code flow: the server records a one-time state and answers with
 * the service's authorization URL, where the browser goes next; the service sends it back to the
 * settings page. Disabled, with the reason, when the kind has no OAuth configuration.
 */
export function ConnectOAuthButton(props: { slug: string; kind: string; name: string; label: string; title: string; oauth: OAuthAvailability; primary?: boolean; disabledReasonId?: string }) {
  const { slug, kind, name, oauth } = props;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setPending(true);
    setError(null);
    try {
      const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/connections/${encodeURIComponent(kind)}/connect`, { method: "POST" });
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
        className={props.primary ? "btn-primary" : "btn-secondary"}
        disabled={!oauth.enabled || pending}
        aria-describedby={oauth.enabled ? undefined : props.disabledReasonId}
        title={oauth.enabled ? props.title : props.disabledReasonId ? undefined : (oauth.hint ?? undefined)}
        onClick={start}
      >
        {pending ? "Redirecting…" : props.label}
      </button>
      {error && (
        <div className="basis-full">
          <FormError message={error} />
        </div>
      )}
    </>
  );
}

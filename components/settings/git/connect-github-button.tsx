"use client";

import { useState } from "react";
import { FormError } from "@/components/ui/field";

/**
 * Starts GitHub's OAuth web flow: the server records a one-time state and answers with GitHub's
 * authorization URL, where the browser goes next; GitHub sends it back to Settings → Git.
 */
export function ConnectGitHubButton({ slug, label, primary, disabledReasonId }: { slug: string; label: string; primary: boolean; disabledReasonId?: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setPending(true);
    setError(null);
    try {
      const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/git/connect`, { method: "POST" });
      const body = (await res.json().catch(() => null)) as { authorization_url?: string; error?: { message?: string } } | null;
      if (res.ok && body?.authorization_url) {
        window.location.assign(body.authorization_url);
        return; // the page is leaving; keep the button busy
      }
      setError(body?.error?.message ?? "Could not start connecting GitHub. Please try again.");
    } catch {
      setError("Could not reach Dispatch to start connecting GitHub. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <>
      <button
        type="button"
        className={primary ? "btn-primary" : "btn-secondary"}
        disabled={!!disabledReasonId || pending}
        aria-describedby={disabledReasonId}
        title={disabledReasonId ? undefined : "Sign in on GitHub and allow Dispatch to push to your repositories"}
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

"use client";

import { useState } from "react";
import { connectGitWithTokenAction } from "@/app/actions/git-settings";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import type { GitConnectionJson } from "@/lib/git/connection";

/**
 * Paste a GitHub App installation token. A password field, so the token is not on screen; cleared
 * once stored, kept on a refusal (a personal access token, say) with the server's reason beside it.
 */
export function GitTokenForm({ slug, onConnected, onCancel }: { slug: string; onConnected: (connection: GitConnectionJson) => void; onCancel?: () => void }) {
  const connect = useServerAction((token: string) => connectGitWithTokenAction(slug, { token }));
  const [token, setToken] = useState("");

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
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Connect GitHub with a token">
      <Field
        label="GitHub App installation token (ghs_…)"
        error={tokenError}
        hint="What GitHub answers to POST /app/installations/{id}/access_tokens; it is valid for one hour. Personal access tokens (ghp_…, github_pat_…) are not accepted."
      >
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="off"
            spellCheck={false}
            className="input font-mono"
            placeholder="ghs_…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        )}
      </Field>
      <FormError message={otherError} />
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className="btn-secondary" disabled={connect.pending}>
          {connect.pending ? "Connecting…" : "Connect with token"}
        </button>
        {onCancel && (
          <button type="button" className="btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

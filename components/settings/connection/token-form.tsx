"use client";

import { useId, useState } from "react";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import type { ActionResult } from "@/lib/actions/result";

/** How a kind's pasted token is asked for. */
export type PasteWords = { formLabel: string; fieldLabel: string; placeholder: string; hint: React.ReactNode; submitLabel: string };

/**
 * Paste a token. The field is a password input so the token is not on screen; it is cleared once
 * stored, kept on a refusal (an API key, a personal access token) with the server's reason beside it.
 */
export function TokenForm<T>({
  words,
  connect,
  onConnected,
  onCancel,
  primary,
}: {
  words: PasteWords;
  connect: (token: string) => Promise<ActionResult<T>>;
  onConnected: (result: T) => void;
  onCancel?: () => void;
  primary: boolean;
}) {
  const action = useServerAction(connect);
  const [token, setToken] = useState("");
  const hintId = useId();

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const result = await action.run(token);
    if (result.ok) {
      setToken("");
      onConnected(result.data);
    }
  }

  const tokenError = action.fieldError("token");
  const otherError = action.error && action.error.field !== "token" ? action.error.message : undefined;

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label={words.formLabel}>
      <Field label={words.fieldLabel} error={tokenError}>
        {(p) => (
          <>
            <input
              {...p}
              aria-describedby={p["aria-describedby"] ?? hintId}
              type="password"
              autoComplete="off"
              spellCheck={false}
              className="input font-mono"
              placeholder={words.placeholder}
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
            {!tokenError && (
              <p id={hintId} className="text-xs text-slate-500">
                {words.hint}
              </p>
            )}
          </>
        )}
      </Field>
      <FormError message={otherError} />
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className={primary ? "btn-primary" : "btn-secondary"} disabled={action.pending}>
          {action.pending ? "Connecting…" : words.submitLabel}
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

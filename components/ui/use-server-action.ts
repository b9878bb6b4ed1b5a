"use client";

import { useCallback, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ErrorBody } from "@/lib/errors";

/** Runs a server action, keeping its pending state and the error it returned (by field, for inline messages). */
export function useServerAction<I, T>(action: (input: I) => Promise<ActionResult<T>>) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ErrorBody | null>(null);

  const run = useCallback(
    (input: I) =>
      new Promise<ActionResult<T>>((resolve) => {
        startTransition(async () => {
          let result: ActionResult<T>;
          try {
            result = await action(input);
          } catch {
            result = { ok: false, error: { code: "internal:network", message: "Could not reach the server. Check your connection and try again." } };
          }
          setError(result.ok ? null : result.error);
          resolve(result);
        });
      }),
    [action],
  );

  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  const formError = error && !error.field ? error.message : undefined;
  return { run, pending, error, fieldError, formError, clearError: () => setError(null) };
}

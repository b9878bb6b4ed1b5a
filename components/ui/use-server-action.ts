"use client";

import { useCallback, useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ErrorBody } from "@/lib/errors";

/**
 * Runs a server action, keeping its pending state and the error it returned (by field, for inline
 * messages). Pending is plain state, not a transition: a transition's pending can stay latched when
 * the router never commits an update (vercel/next.js#95714, seen on a busy machine), which left
 * buttons disabled for good.
 */
export function useServerAction<I, T>(action: (input: I) => Promise<ActionResult<T>>) {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<ErrorBody | null>(null);

  const run = useCallback(
    async (input: I): Promise<ActionResult<T>> => {
      setRunning((n) => n + 1);
      let result: ActionResult<T>;
      try {
        result = await action(input);
      } catch {
        result = { ok: false, error: { code: "internal:network", message: "Could not reach the server. Check your connection and try again." } };
      } finally {
        setRunning((n) => n - 1);
      }
      setError(result.ok ? null : result.error);
      return result;
    },
    [action],
  );

  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  const formError = error && !error.field ? error.message : undefined;
  return { run, pending: running > 0, error, fieldError, formError, clearError: () => setError(null) };
}

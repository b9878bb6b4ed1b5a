"use client";

import dynamic from "next/dynamic";
import { useCallback, useRef, useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ErrorBody } from "@/lib/errors";
import type { SessionDiff } from "@/lib/sessions/diff";

// The viewer (and, through it, the highlighter) is only downloaded when someone opens a diff.
const DiffView = dynamic(() => import("./diff-view").then((m) => m.DiffView), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-400">Loading changes…</p>,
});

export type SessionDiffState = { status: "idle" } | { status: "loading" } | { status: "error"; message: string } | { status: "loaded"; diff: SessionDiff };

/** GET …/agent/sessions/[id]/diff, with the route's `{ error: { code, message } }` passed on as a value. */
export async function fetchSessionDiff(slug: string, sessionId: string): Promise<ActionResult<SessionDiff>> {
  try {
    const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/agent/sessions/${encodeURIComponent(sessionId)}/diff`, { headers: { accept: "application/json" } });
    const body = (await res.json().catch(() => null)) as (SessionDiff & { error?: undefined }) | { error?: ErrorBody } | null;
    if (res.ok && body && !body.error) return { ok: true, data: body as SessionDiff };
    return { ok: false, error: body?.error ?? { code: "internal:diff", message: "The changes could not be loaded. Please try again." } };
  } catch {
    return { ok: false, error: { code: "internal:network", message: "Could not reach Dispatch to load the changes. Check your connection and try again." } };
  }
}

/** The diff of one session, fetched on the first `load()` and kept: reopening it does not fetch again (a failed one may be retried). */
export function useSessionDiff(slug: string, sessionId: string) {
  const [state, setState] = useState<SessionDiffState>({ status: "idle" });
  const busy = useRef(false);
  const load = useCallback(() => {
    if (busy.current || state.status === "loaded") return;
    busy.current = true;
    setState({ status: "loading" });
    void fetchSessionDiff(slug, sessionId).then((r) => {
      busy.current = false;
      setState(r.ok ? { status: "loaded", diff: r.data } : { status: "error", message: r.error.message });
    });
  }, [slug, sessionId, state.status]);
  return { state, load };
}

export function SessionDiffPanel({ id, state, onRetry }: { id: string; state: SessionDiffState; onRetry: () => void }) {
  return (
    <div id={id} className="border-t border-slate-100 px-4 py-3" aria-busy={state.status === "loading"}>
      {(state.status === "loading" || state.status === "idle") && <p className="text-sm text-slate-400">Loading changes…</p>}
      {state.status === "error" && (
        <p role="alert" className="flex flex-wrap items-center gap-2 text-sm text-red-600">
          {state.message}
          <button type="button" className="btn-ghost px-2 py-0.5 text-xs" onClick={onRetry}>
            Try again
          </button>
        </p>
      )}
      {state.status === "loaded" && <DiffView diff={state.diff} />}
    </div>
  );
}

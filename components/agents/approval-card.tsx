"use client";

import { useId, useState } from "react";
import type { SessionRequestView } from "@/lib/sessions/events";
import type { RequestAnswerInput } from "@/app/actions/session-requests";

type Approval = Extract<SessionRequestView, { kind: "approval" }>;
type Props = { request: Approval; canAnswer: boolean; busy: boolean; onAnswer: (input: RequestAnswerInput) => void };

const sentence = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/**
 * An action the agent wants to take that a policy stops for approval: the tool, the exact command
 * line or path (as text, in full), the rule that asked, and Approve / Reject with an optional
 * reason the agent receives. Read-only without `canAnswer` (a guest).
 */
export function ApprovalCard({ request, canAnswer, busy, onAnswer }: Props) {
  const [reason, setReason] = useState("");
  const titleId = useId();
  const reasonId = useId();
  const trimmed = reason.trim();
  return (
    <section aria-labelledby={titleId} data-testid="approval-card" className="rounded-md border border-amber-200 bg-amber-50/60 px-3 py-2.5 text-sm">
      <h3 id={titleId} className="flex items-baseline gap-2">
        <span className="text-xs font-medium uppercase tracking-wide text-amber-700">Approval needed</span>
        <span className="font-mono text-xs font-semibold text-slate-700">{request.tool}</span>
      </h3>
      <pre className="mt-1.5 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded-md border border-slate-200 bg-white px-2 py-1.5 font-mono text-xs text-slate-800" aria-label="Action">
        {request.action || "(no details)"}
      </pre>
      <p className="mt-1.5 text-xs text-slate-500">{sentence(request.rule)}.</p>
      {canAnswer ? (
        <div className="mt-2 flex flex-wrap items-center gap-2" aria-busy={busy}>
          <button type="button" className="btn-primary px-3 py-1" disabled={busy} onClick={() => onAnswer({ decision: "approved" })}>
            Approve
          </button>
          <label htmlFor={reasonId} className="sr-only">
            Reason for rejecting (optional)
          </label>
          <input
            id={reasonId}
            className="input min-w-0 flex-1 py-1"
            placeholder="Reason for rejecting (optional)"
            value={reason}
            maxLength={1000}
            onChange={(e) => setReason(e.target.value)}
            disabled={busy}
          />
          <button type="button" className="btn-secondary px-3 py-1 text-red-700" disabled={busy} onClick={() => onAnswer({ decision: "rejected", ...(trimmed ? { reason: trimmed } : {}) })}>
            Reject
          </button>
        </div>
      ) : (
        <p className="mt-2 text-xs text-slate-500">Waiting for a member to approve or reject.</p>
      )}
    </section>
  );
}

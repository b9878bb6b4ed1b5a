import type { SessionRequestView } from "@/lib/sessions/events";
import type { RequestResolution } from "@/lib/sessions/transcript";
import { RelativeTime } from "@/components/ui/relative-time";
import { requestOutcome } from "./request-outcome";

/** A question or approval once it ended, as one compact line of the run (all of it text). */
export function ResolvedRequest({ request, resolution }: { request: SessionRequestView; resolution: RequestResolution }) {
  const rejected = resolution.answer?.kind === "approval" && resolution.answer.decision === "rejected";
  const tone = resolution.status === "answered" && !rejected ? "text-emerald-600" : "text-slate-400";
  return (
    <p className="flex items-baseline gap-2 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 text-xs text-slate-600" data-testid="resolved-request">
      <span aria-hidden className={`w-3 shrink-0 text-center ${tone}`}>
        {request.kind === "question" ? "?" : rejected ? "✕" : "✓"}
      </span>
      <span className="min-w-0 flex-1 whitespace-pre-wrap break-words">
        <span className="font-medium text-slate-700">{request.kind === "question" ? "Asked:" : "Approval:"}</span>{" "}
        {request.kind === "question" ? request.question : <code className="font-mono">{request.action}</code>} — {requestOutcome(request, resolution)}
      </span>
      <span className="shrink-0 text-slate-400">
        <RelativeTime date={resolution.at} />
      </span>
    </p>
  );
}

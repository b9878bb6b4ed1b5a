import type { SessionRequestView } from "@/lib/sessions/events";
import type { RequestResolution } from "@/lib/sessions/transcript";

/** What the member answered, in words: the options picked, then any text of their own. */
function answerWords(resolution: RequestResolution): string {
  const a = resolution.answer;
  if (a?.kind !== "question") return "";
  return [a.choices.join(", "), a.text ?? ""].filter(Boolean).join(" — ");
}

/**
 * How a question or approval ended, after its subject in the run's line: "Ada answered Redis",
 * "rejected by Ada: keep it", "No answer in time", "Closed: the session ended". Plain text.
 */
export function requestOutcome(request: SessionRequestView, resolution: RequestResolution): string {
  if (resolution.status === "expired") return request.kind === "approval" ? "No answer in time: not run" : "No answer in time";
  if (resolution.status === "closed") return "Closed: the session ended";
  const by = resolution.by ?? "a member";
  if (request.kind === "question") return `${resolution.by ?? "A member"} answered ${answerWords(resolution)}`;
  const a = resolution.answer;
  if (a?.kind !== "approval") return `answered by ${by}`;
  return `${a.decision} by ${by}${a.reason ? `: ${a.reason}` : ""}`;
}

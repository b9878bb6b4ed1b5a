import type { AgentSessionRequest } from "@/db/schema";

/**
 * What the agent is told about a request that ended, in the words a tool result (or a resumed
 * run's prompt) carries. `allowed`: an approval the member gave (the action may run).
 */
export function outcomeForAgent(r: AgentSessionRequest, by: string | null, waitMinutes: number): { text: string; allowed: boolean } {
  const who = by ?? "A member";
  if (r.payload.kind === "question") {
    if (r.status === "closed") return { text: "The session is ending; no answer will come.", allowed: false };
    if (r.status !== "answered" || r.answer?.kind !== "question") {
      return { text: `Nobody answered within ${waitMinutes} minutes. Decide yourself, go on, and say in your final answer what you chose and why.`, allowed: false };
    }
    const { choices, text } = r.answer;
    const parts = [choices.length ? `Chose: ${choices.join("; ")}.` : "", text ? `Wrote: ${text}` : ""].filter(Boolean);
    return { text: `${who} answered. ${parts.join(" ")}`, allowed: false };
  }
  if (r.status === "closed") return { text: "The session is ending; this action was not run.", allowed: false };
  if (r.status !== "answered" || r.answer?.kind !== "approval") return { text: `Nobody approved this action within ${waitMinutes} minutes, so it was not run. Go on without it.`, allowed: false };
  if (r.answer.decision === "approved") return { text: `${who} approved this action.`, allowed: true };
  const why = r.answer.reason ? ` Their reason: ${r.answer.reason}` : "";
  return { text: `${who} rejected this action, so it was not run.${why} Go on without it.`, allowed: false };
}

/** A resumed run's request: the conversation so far is restored, and this says what was asked and answered. */
export function resumePrompt(requests: { request: AgentSessionRequest; answeredByName: string | null }[], waitMinutes: number, withConversation: boolean): string {
  const lines = requests.map(({ request: r, answeredByName }) => {
    const asked = r.payload.kind === "question" ? `You asked: "${r.payload.question}"` : `You asked to run ${r.payload.tool}: ${r.payload.action}`;
    const outcome = outcomeForAgent(r, answeredByName, waitMinutes);
    return `${asked}\n${outcome.text}${outcome.allowed ? " Run it again now." : ""}`;
  });
  return [
    withConversation
      ? "Your previous run stopped while it waited for an answer; this run continues it, with your conversation so far."
      : "Your previous run of this task stopped while it waited for an answer, before its work could be kept; start again, knowing this:",
    ...lines,
    "Go on with the task from where you were.",
  ].join("\n\n");
}

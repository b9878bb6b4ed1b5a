import type { SessionRequestAnswer, SessionRequestPayload, SessionStatus } from "@/db/schema";

/**
 * The one event vocabulary shared by the worker (CLI adapters), the event log, the SSE route and
 * the browser store. A session's stream always ends with `done`.
 */
export type SessionEvent =
  /** `position`: the place in line of a queued session waiting for a slot under its provider's limit. */
  | { type: "status"; status: SessionStatus; message?: string; position?: number }
  /** A piece of the answer text; consecutive pieces join verbatim. */
  | { type: "text"; text: string }
  | { type: "thought"; text: string }
  | { type: "tool_call"; id: string; name: string; target?: string; input: unknown }
  | { type: "tool_result"; id: string; ok: boolean; output: string }
  | { type: "usage"; inputTokens: number; outputTokens: number; costUsd?: number }
  | { type: "error"; message: string }
  /** The agent stopped to ask (a question, or an action to approve); the run waits until `request_resolved`. */
  | { type: "request"; request: SessionRequestView }
  /** `by`: the member's name when answered; `answer`: null when nobody answered in time or the session ended. */
  | { type: "request_resolved"; id: string; status: "answered" | "expired" | "closed"; answer: SessionRequestAnswer | null; by: string | null; at: string }
  | { type: "done"; status: SessionStatus; answer?: string; error?: string; code?: string };

/** An event as stored and streamed: numbered per session from 1, without gaps. */
export type SequencedEvent = SessionEvent & { seq: number };

/** Long tool output is cut for the timeline; the full text stays in the container's workdir. */
export const MAX_TOOL_OUTPUT = 8_000;

export function clip(text: string, max = MAX_TOOL_OUTPUT): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

/** A request as the card shows it. */
export type SessionRequestView = SessionRequestPayload & { id: string; expiresAt: string };

import type { SessionRequestAnswer, SessionStatus } from "@/db/schema";
import type { SequencedEvent, SessionRequestView } from "./events";

/** How a question or approval ended: answered (by whom, with what), nobody in time, or the session ended. */
export type RequestResolution = { status: "answered" | "expired" | "closed"; answer: SessionRequestAnswer | null; by: string | null; at: string };

/** What a session card shows of a run, built from its events in order. */
export type TranscriptItem =
  | { kind: "text"; text: string }
  | { kind: "thought"; text: string }
  | { kind: "tool"; id: string; name: string; target: string | null; input: unknown; result: { ok: boolean; output: string } | null }
  | { kind: "error"; message: string }
  /** Something the agent asked, in its place in the run; `resolution` null while it waits. */
  | { kind: "request"; request: SessionRequestView; resolution: RequestResolution | null };

export type Transcript = {
  /** The last event applied: a replay or a reconnect never applies one twice. */
  lastSeq: number;
  status: SessionStatus | null;
  statusMessage: string | null;
  items: TranscriptItem[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  done: { status: SessionStatus; error: string | null } | null;
};

export const emptyTranscript = (): Transcript => ({ lastSeq: 0, status: null, statusMessage: null, items: [], usage: null, done: null });

/**
 * Applies events in place (MobX observes the mutations; a plain object works the same) and
 * returns how many were new. Events at or below `lastSeq` are skipped.
 */
export function applyEvents(t: Transcript, events: readonly SequencedEvent[]): number {
  let applied = 0;
  for (const e of events) {
    if (e.seq <= t.lastSeq) continue;
    t.lastSeq = e.seq;
    applied++;
    const last = t.items.at(-1);
    switch (e.type) {
      case "status":
        t.status = e.status;
        t.statusMessage = e.message ?? null;
        break;
      case "text":
      case "thought":
        if (last?.kind === e.type) last.text += e.text;
        else t.items.push({ kind: e.type, text: e.text });
        break;
      case "tool_call":
        t.items.push({ kind: "tool", id: e.id, name: e.name, target: e.target ?? null, input: e.input, result: null });
        break;
      case "tool_result": {
        const call = findTool(t.items, e.id);
        if (call) call.result = { ok: e.ok, output: e.output };
        else t.items.push({ kind: "tool", id: e.id, name: "tool", target: null, input: null, result: { ok: e.ok, output: e.output } });
        break;
      }
      case "usage":
        t.usage = { inputTokens: e.inputTokens, outputTokens: e.outputTokens, costUsd: e.costUsd ?? null };
        break;
      case "error":
        t.items.push({ kind: "error", message: e.message });
        break;
      case "request":
        // One card per request, even if the log repeats it (a tool call delivered twice opens one request).
        if (!findRequest(t.items, e.request.id)) t.items.push({ kind: "request", request: e.request, resolution: null });
        break;
      case "request_resolved": {
        const asked = findRequest(t.items, e.id);
        if (asked) asked.resolution = { status: e.status, answer: e.answer, by: e.by, at: e.at };
        break;
      }
      case "done":
        t.status = e.status;
        t.done = { status: e.status, error: e.error ?? null };
        break;
    }
  }
  return applied;
}

function findTool(items: TranscriptItem[], id: string) {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === "tool" && item.id === id && !item.result) return item;
  }
  return undefined;
}

function findRequest(items: TranscriptItem[], id: string) {
  return items.find((item): item is Extract<TranscriptItem, { kind: "request" }> => item.kind === "request" && item.request.id === id);
}

/** The requests still waiting for an answer. */
export const openRequests = (items: readonly TranscriptItem[]) =>
  items.filter((item): item is Extract<TranscriptItem, { kind: "request" }> => item.kind === "request" && item.resolution === null);

/**
 * The items a finished card shows under its failure banner, without what only repeats the banner's
 * reason: the CLI's error row, and its echo of the error as the assistant's last words (Claude Code
 * writes an API error as a message, then reports it). The reason then appears once, in the banner.
 * Short text that merely occurs in the reason stays: it is more likely the agent's own.
 */
export function withoutFinalError(items: readonly TranscriptItem[], finalError: string | null): TranscriptItem[] {
  const reason = finalError?.trim();
  if (!reason) return [...items];
  const repeats = (s: string, minLength: number) => {
    const t = s.trim();
    return t === reason || (t.length >= minLength && reason.includes(t));
  };
  const out: TranscriptItem[] = [];
  for (const item of items) {
    if (item.kind === "error" && repeats(item.message, 1)) continue;
    if (item.kind === "text") {
      if (repeats(item.text, ECHO_MIN)) continue;
      const cut = item.text.lastIndexOf("\n\n");
      if (cut > 0 && repeats(item.text.slice(cut), ECHO_MIN)) {
        out.push({ kind: "text", text: item.text.slice(0, cut) });
        continue;
      }
    }
    out.push(item);
  }
  return out;
}

const ECHO_MIN = 12;

import type { Db } from "@/db/client";
import type { LiveHub } from "@/lib/bus/live-hub";
import { liveStream } from "@/lib/live/stream";
import type { SequencedEvent } from "./events";

export { HEARTBEAT_MS } from "@/lib/live/stream";

/** Encoded once per event object, however many clients of this process receive it. */
const frames = new WeakMap<SequencedEvent, string>();
const frame = (e: SequencedEvent) => {
  let f = frames.get(e);
  if (f === undefined) frames.set(e, (f = `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
  return f;
};

/** `Last-Event-ID` (a reconnecting EventSource) or `?last_event_id=`; anything else replays from the start. */
export function lastEventId(req: Request): number {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("last_event_id") ?? "0";
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * One session's events as Server-Sent Events, for API clients: everything after `afterSeq` from
 * the stored log, then live ones, each exactly once and in order; ends after `done`, which every
 * session's log ends with (see transitionSession).
 */
export function sessionEventStream(args: { db: Db; hub: LiveHub; session: { id: string; issueId: string }; afterSeq: number; signal: AbortSignal; heartbeatMs?: number }) {
  return liveStream({
    db: args.db,
    hub: args.hub,
    signal: args.signal,
    framing: { session: (_ref, e) => frame(e) },
    keys: [`session:${args.session.id}`],
    sessions: [{ id: args.session.id, issueId: args.session.issueId, afterSeq: args.afterSeq }],
    issues: [],
    endOnDone: true,
    heartbeatMs: args.heartbeatMs,
  });
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

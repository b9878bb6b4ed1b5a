import type { Db } from "@/db/client";
import type { LiveHub } from "@/lib/bus/live-hub";
import { DispatchError } from "@/lib/errors";
import { eventCount } from "@/lib/live/cursor";
import { liveStream } from "@/lib/live/stream";
import type { SequencedEvent } from "./events";
import type { SessionStatus } from "@/db/schema";
import { isTerminal } from "./status";

export { HEARTBEAT_MS } from "@/lib/live/stream";

/** Encoded once per event object, however many clients of this process receive it. */
const frames = new WeakMap<SequencedEvent, string>();
const frame = (e: SequencedEvent) => {
  let f = frames.get(e);
  if (f === undefined) frames.set(e, (f = `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
  return f;
};

/**
 * `Last-Event-ID` (a reconnecting EventSource) or `?last_event_id=`: the number of the last event
 * the client has; absent or empty is 0 (everything). Anything but digits is a 400 naming where it
 * came from. A number beyond the log is not an error: the stream clamps it and starts from now.
 */
export function lastEventId(req: Request): number {
  const header = req.headers.get("last-event-id");
  const [raw, field] = header !== null ? [header, "Last-Event-ID"] : [new URL(req.url).searchParams.get("last_event_id"), "last_event_id"];
  if (raw === null || raw === "") return 0;
  const n = eventCount(raw);
  if (n === null) {
    throw new DispatchError("bad_request:last_event_id", `${field} must be the number of the last event you have, e.g. 42 (got ${JSON.stringify(raw.slice(0, 40))}).`, { field });
  }
  return n;
}

/**
 * One session's events as Server-Sent Events, for API clients: everything after `afterSeq` from
 * the stored log, then live ones, each exactly once and in order; ends after `done`, which every
 * session's log ends with (see transitionSession). A cursor past the log's end reads as "now";
 * for a finished session that means there is nothing left, and the stream ends at once.
 */
export function sessionEventStream(args: {
  db: Db;
  hub: LiveHub;
  session: { id: string; issueId: string; eventSeq: number; status: SessionStatus };
  afterSeq: number;
  signal: AbortSignal;
  heartbeatMs?: number;
}) {
  const afterSeq = Math.min(args.afterSeq, args.session.eventSeq);
  if (isTerminal(args.session.status) && afterSeq >= args.session.eventSeq) return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return liveStream({
    db: args.db,
    hub: args.hub,
    signal: args.signal,
    framing: { session: (_ref, e) => frame(e) },
    keys: [`session:${args.session.id}`],
    sessions: [{ id: args.session.id, issueId: args.session.issueId, afterSeq }],
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

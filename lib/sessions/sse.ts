import type { Db } from "@/db/client";
import { listEventsAfter } from "@/db/queries/session-events";
import type { SessionStreamHub } from "@/lib/bus/session-stream-hub";
import type { SessionStatus } from "@/db/schema";
import type { SequencedEvent } from "./events";

export const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();
const frame = (e: SequencedEvent) => encoder.encode(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);

/** `Last-Event-ID` (a reconnecting EventSource) or `?last_event_id=`; anything else replays from the start. */
export function lastEventId(req: Request): number {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("last_event_id") ?? "0";
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * A session's events as Server-Sent Events: everything after `afterSeq` from the stored log,
 * then live ones, each exactly once and in order (the live feed is joined before the replay, and
 * anything not newer than what was sent is dropped). Ends after `done`. The request's abort
 * signal releases the subscription and the heartbeat.
 */
export function sessionEventStream(args: {
  db: Db;
  hub: SessionStreamHub;
  sessionId: string;
  afterSeq: number;
  signal: AbortSignal;
  /** The session's current status, to end streams of sessions that ended without a `done` (cancelled before a worker took them). */
  finalState: () => Promise<{ status: SessionStatus; error: string | null } | null>;
  heartbeatMs?: number;
  settleMs?: number;
}) {
  let sent = args.afterSeq;
  let closed = false;
  let release = () => {};

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        release();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      const send = (e: SequencedEvent) => {
        if (closed || e.seq <= sent) return;
        // A gap means the live feed got ahead of the log: it is filled in from the database.
        if (e.seq !== sent + 1) return void catchUp();
        sent = e.seq;
        controller.enqueue(frame(e));
        if (e.type === "done") close();
      };
      let catchingUp: Promise<void> | null = null;
      const catchUp = () =>
        (catchingUp ??= (async () => {
          for (;;) {
            const rows = await listEventsAfter(args.db, { sessionId: args.sessionId, afterSeq: sent });
            if (rows.length === 0 || closed) break;
            for (const r of rows) send({ ...(r.payload as SequencedEvent), seq: r.seq });
          }
        })().finally(() => (catchingUp = null)));

      const buffered: SequencedEvent[] = [];
      let replaying = true;
      const unsubscribe = args.hub.subscribe(args.sessionId, (e) => (replaying ? buffered.push(e) : send(e)));
      const heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(": heartbeat\n\n")), args.heartbeatMs ?? HEARTBEAT_MS);
      const onAbort = () => close();
      release = () => {
        unsubscribe();
        clearInterval(heartbeat);
        args.signal.removeEventListener("abort", onAbort);
      };
      if (args.signal.aborted) return close();
      args.signal.addEventListener("abort", onAbort);

      controller.enqueue(encoder.encode(": connected\n\n"));
      await catchUp();
      replaying = false;
      for (const e of buffered.splice(0)) send(e);
      if (closed) return;
      const final = await args.finalState();
      if (final) {
        // The worker writes `done` just after the status; give it a moment before closing on our own.
        setTimeout(async () => {
          if (closed) return;
          await catchUp();
          if (!closed) send({ type: "done", status: final.status, ...(final.error ? { error: final.error } : {}), seq: sent + 1 });
        }, args.settleMs ?? 2000);
      }
    },
    cancel() {
      closed = true;
      release();
    },
  });
}

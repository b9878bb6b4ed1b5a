import { AsyncLocalStorage } from "node:async_hooks";
import type { Db } from "@/db/client";
import { listIssueActivityAfter, type ActivityEntry } from "@/db/queries/issue-events";
import { listEventsAfter, toSequenced } from "@/db/queries/session-events";
import type { LiveHub } from "@/lib/bus/live-hub";
import { describeError } from "@/lib/log/describe-error";
import type { SequencedEvent } from "@/lib/sessions/events";
import type { LiveEntry } from "./entries";
import { measure } from "@/lib/observability/metrics";
import { logFor } from "@/lib/observability/log";

export const HEARTBEAT_MS = 15_000;

/** DISPATCH_SSE_HEARTBEAT_MS (validated at start-up in lib/env.ts), else 15 s; tests shorten it to watch many periods. */
function heartbeatPeriod(): number {
  const n = Number(process.env.DISPATCH_SSE_HEARTBEAT_MS);
  return Number.isInteger(n) && n > 0 ? n : HEARTBEAT_MS;
}

const encoder = new TextEncoder();
const PAGE = 2000;

/**
 * The async context of this module's first evaluation. A stream's long-lived callbacks (hub
 * listeners, its queue, heartbeats) are created in it rather than in the request's: timers and
 * promises keep the async context they were made in, and the request's (Next.js's request and
 * work stores, with their caches, headers and cookies) would otherwise stay alive as long as
 * the connection. Bounded: at worst it holds the request that first loaded the module.
 */
const detached = AsyncLocalStorage.snapshot();

/** One timer per period for every open stream, instead of one per stream. */
const tickers = new Map<number, { timer: NodeJS.Timeout; beats: Set<() => void> }>();
function onTick(periodMs: number, beat: () => void): () => void {
  let t = tickers.get(periodMs);
  if (!t) {
    const beats = new Set<() => void>();
    const timer = detached(() => setInterval(() => beats.forEach((b) => b()), periodMs));
    timer.unref();
    tickers.set(periodMs, (t = { timer, beats }));
  }
  const own = t;
  own.beats.add(beat);
  return () => {
    own.beats.delete(beat);
    if (own.beats.size === 0 && tickers.get(periodMs) === own) {
      clearInterval(own.timer);
      tickers.delete(periodMs);
    }
  };
}

let openStreams = 0;

/** What this process holds for open streams, for leak checks: streams, heartbeat timers, heartbeat callbacks. */
export function liveStreamStats() {
  let heartbeatListeners = 0;
  for (const t of tickers.values()) heartbeatListeners += t.beats.size;
  return { openStreams, heartbeatTimers: tickers.size, heartbeatListeners };
}

/** How a stream writes one session event and one activity entry (the route decides the format). */
export type Framing = {
  session: (ref: { sessionId: string; issueId: string }, e: SequencedEvent) => string;
  activity?: (entry: ActivityEntry, data: unknown) => string;
};

export type StreamPlan = {
  db: Db;
  hub: LiveHub;
  signal: AbortSignal;
  framing: Framing;
  /** Hub keys to follow: `issue:<id>` carries its activity and every session's events; `session:<id>` one session's. */
  keys: string[];
  /** Per session, the last event the client has; replayed after it. Sessions not named start at 0 when they appear live. */
  sessions: { id: string; issueId: string; afterSeq: number }[];
  /** Per issue, the last activity entry the client has. */
  issues: { id: string; workspaceId: string; afterSeq: number }[];
  /** Loads what an activity entry names (the comment, the session card); memoized per entry object. */
  hydrate?: (entry: ActivityEntry) => Promise<unknown>;
  /** The per-session route ends after `done`; the multiplexed one stays open. */
  endOnDone?: boolean;
  /** The workspace's session changes (Agents page): a frame per entry that has a status, or null to skip. No replay. */
  workspace?: { key: string; frame: (entry: Extract<LiveEntry, { kind: "session" }>) => Promise<string | null> };
  /** Sent once the replay is over and the stream is live. */
  readyFrame?: string;
  heartbeatMs?: number;
};

/**
 * Server-Sent Events for a set of topics: the stored log after each cursor, then live entries,
 * each exactly once and in order per topic. The live feed is joined before the replay; anything
 * not newer than what was sent is dropped, and a gap (an announcement lost or overtaken) is
 * filled from the database. Frames are written in one chunk per tick. The plan holds no request.
 */
export function liveStream(plan: StreamPlan): ReadableStream<Uint8Array> {
  const sessionSent = new Map(plan.sessions.map((s) => [s.id, s.afterSeq]));
  const sessionIssue = new Map(plan.sessions.map((s) => [s.id, s.issueId]));
  const issueSent = new Map(plan.issues.map((i) => [i.id, i.afterSeq]));
  const workspaceOf = new Map(plan.issues.map((i) => [i.id, i.workspaceId]));
  let closed = false;
  let release = () => {};
  let chain: Promise<void> = Promise.resolve();
  let out: string[] = [];
  let flushQueued = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  // Metric label: the per-session route (API clients) or the multiplexed live route (browsers).
  const route = plan.endOnDone ? "session" : "live";

  const close = () => {
    if (closed) return;
    closed = true;
    out = [];
    release();
    try {
      controllerRef?.close();
    } catch {
      /* already closed by the client */
    }
  };
  const write = (frame: string) => {
    if (closed) return;
    out.push(frame);
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      if (closed || out.length === 0) return;
      const chunk = out.length === 1 ? out[0]! : out.join("");
      out = [];
      try {
        controllerRef!.enqueue(encoder.encode(chunk));
      } catch {
        // The stream went away without telling us (no abort, no cancel): stop here rather than throw from a timer.
        close();
      }
    });
  };

  const sendSession = async (sessionId: string, issueId: string, events: SequencedEvent[]) => {
    for (const e of events) {
      if (closed) return;
      const sent = sessionSent.get(sessionId) ?? 0;
      if (e.seq <= sent) continue;
      if (e.seq !== sent + 1) return catchUpSession(sessionId, issueId);
      sessionSent.set(sessionId, e.seq);
      write(plan.framing.session({ sessionId, issueId }, e));
      measure((m) => m.eventsDelivered.inc({ route }));
      if (e.type === "done" && plan.endOnDone) {
        await flushNow();
        return close();
      }
    }
  };
  const catchUpSession = async (sessionId: string, issueId: string) => {
    for (;;) {
      const rows = await listEventsAfter(plan.db, { sessionId, afterSeq: sessionSent.get(sessionId) ?? 0, limit: PAGE });
      if (rows.length === 0 || closed) return;
      const before = sessionSent.get(sessionId) ?? 0;
      await sendSession(sessionId, issueId, rows.map(toSequenced));
      // A short page was the whole log at the time of the query; anything newer comes live (joined before).
      if ((sessionSent.get(sessionId) ?? 0) === before || rows.length < PAGE) return;
    }
  };
  const sendActivity = async (entries: ActivityEntry[]) => {
    for (const entry of entries) {
      if (closed || !plan.framing.activity) return;
      const sent = issueSent.get(entry.issueId) ?? 0;
      if (entry.seq <= sent) continue;
      if (entry.seq !== sent + 1) return catchUpActivity(entry.issueId);
      issueSent.set(entry.issueId, entry.seq);
      const data = plan.hydrate ? await plan.hydrate(entry) : null;
      write(plan.framing.activity(entry, data));
    }
  };
  const catchUpActivity = async (issueId: string) => {
    const workspaceId = workspaceOf.get(issueId);
    if (!workspaceId) return;
    for (;;) {
      const rows = await listIssueActivityAfter(plan.db, { workspaceId, issueId, afterSeq: issueSent.get(issueId) ?? 0, limit: PAGE });
      if (rows.length === 0 || closed) return;
      const before = issueSent.get(issueId);
      await sendActivity(rows);
      if (issueSent.get(issueId) === before || rows.length < PAGE) return;
    }
  };
  const flushNow = async () => new Promise<void>((r) => setImmediate(r));

  /** Every entry goes through one chain, so replay, live entries and catch-ups never interleave. */
  const enqueue = (task: () => Promise<void>) => {
    chain = chain.then(task).catch((err: unknown) => {
      logFor("live").error(`stream failed: ${describeError(err)}`);
      close();
    });
  };
  const onEntry = (entry: LiveEntry) => {
    if (entry.kind === "session") {
      if (!sessionIssue.has(entry.sessionId)) sessionIssue.set(entry.sessionId, entry.issueId);
      enqueue(() => sendSession(entry.sessionId, entry.issueId, entry.events));
    } else if (workspaceOf.has(entry.issueId)) {
      enqueue(() => sendActivity([entry]));
    }
  };

  /** Joins the live feed, then replays; runs outside the request's async context (see `detached`). */
  const open = async () => {
    const unsubscribers = plan.keys.map((k) => plan.hub.subscribe(k, onEntry));
    const ws = plan.workspace;
    if (ws) {
      unsubscribers.push(
        plan.hub.subscribe(ws.key, (entry) => {
          if (entry.kind === "session" && entry.events.some((e) => e.type === "status" || e.type === "done")) {
            enqueue(async () => {
              const f = await ws.frame(entry);
              if (f) write(f);
            });
          }
        }),
      );
    }
    // The bus came back after an outage: re-read every topic from the database (what was sent is skipped).
    unsubscribers.push(
      plan.hub.onResync(() =>
        enqueue(async () => {
          for (const issueId of workspaceOf.keys()) await catchUpActivity(issueId);
          for (const [sessionId, issueId] of sessionIssue) await catchUpSession(sessionId, issueId);
        }),
      ),
    );
    const stopBeat = onTick(plan.heartbeatMs ?? heartbeatPeriod(), () => write(": heartbeat\n\n"));
    const onAbort = () => close();
    openStreams++;
    measure((m) => m.sseConnections.inc({ route }));
    let released = false;
    release = () => {
      if (released) return;
      released = true;
      openStreams--;
      measure((m) => m.sseConnections.dec({ route }));
      for (const u of unsubscribers) u();
      stopBeat();
      plan.signal.removeEventListener("abort", onAbort);
    };
    if (plan.signal.aborted) return close();
    plan.signal.addEventListener("abort", onAbort);
    write(": connected\n\n");
    await plan.hub.ready();
    // The replay runs first in the chain; live entries that arrived meanwhile wait behind it.
    const replay = new Promise<void>((resolve) => {
      enqueue(async () => {
        for (const i of plan.issues) await catchUpActivity(i.id);
        for (const s of plan.sessions) await catchUpSession(s.id, s.issueId);
        if (plan.readyFrame) write(plan.readyFrame);
        resolve();
      });
    });
    await replay;
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      return detached(() => open());
    },
    cancel() {
      close();
    },
  });
}

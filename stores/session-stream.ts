import { runInAction } from "mobx";
import type { SequencedEvent, SessionEventType } from "@/lib/sessions/events";

/** The part of the browser's EventSource this uses, so tests can drive it. */
export type EventSourceLike = {
  readonly readyState: number;
  addEventListener(type: string, listener: (e: Event) => void): void;
  close(): void;
};

export type StreamOptions = {
  /** The stream URL for a (re)connect that already has every event up to `lastSeq`. */
  url: (lastSeq: number) => string;
  lastSeq: () => number;
  /** Called at most once per animation frame, with every event that arrived since the last call. */
  onEvents: (batch: SequencedEvent[]) => void;
  /** The session's stream ended with `done`. */
  onDone: () => void;
  onConnectionChange?: (state: "open" | "reconnecting") => void;
  createEventSource?: (url: string) => EventSourceLike;
  nextFrame?: (fn: () => void) => void;
  maxBackoffMs?: number;
};

const EVENT_TYPES: SessionEventType[] = ["status", "text", "thought", "tool_call", "tool_result", "usage", "error", "done"];
const CLOSED = 2;

/**
 * One animation-frame callback for every stream on the page, run inside one MobX action: all
 * cards that got events in a frame update together, in one React commit.
 */
const frameQueue: (() => void)[] = [];
const defaultNextFrame = (fn: () => void) => {
  frameQueue.push(fn);
  if (frameQueue.length > 1) return;
  const run = () => runInAction(() => frameQueue.splice(0).forEach((f) => f()));
  // Hidden tabs get no animation frames: the batch then waits until the tab is looked at again.
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
  else setTimeout(run, 16);
};

/**
 * One session's live events: an EventSource that resumes where it left off (the browser sends
 * Last-Event-ID on its own reconnects; after a failed response this reopens with `last_event_id`
 * and a growing delay), and a per-frame batch so a card renders at most once per frame.
 */
export class SessionStream {
  private source: EventSourceLike | null = null;
  private buffer: SequencedEvent[] = [];
  private frameQueued = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;
  private ending = false;

  constructor(private readonly opts: StreamOptions) {}

  start() {
    if (this.stopped || this.source) return;
    const create = this.opts.createEventSource ?? ((url: string) => new EventSource(url));
    const source = create(this.opts.url(this.opts.lastSeq()));
    this.source = source;
    source.addEventListener("open", () => {
      this.failures = 0;
      this.opts.onConnectionChange?.("open");
    });
    for (const type of EVENT_TYPES) source.addEventListener(type, (e) => this.receive(e));
  }

  stop() {
    this.stopped = true;
    this.source?.close();
    this.source = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private receive(e: Event) {
    const data = (e as MessageEvent).data;
    if (typeof data !== "string") return this.connectionError(); // the EventSource's own "error", not an agent's
    let event: SequencedEvent;
    try {
      event = JSON.parse(data) as SequencedEvent;
    } catch {
      return;
    }
    this.buffer.push(event);
    if (event.type === "done") {
      // The server ends the response after `done`; without closing, the browser would reconnect.
      this.source?.close();
      this.source = null;
      this.ending = true;
    }
    if (!this.frameQueued) {
      this.frameQueued = true;
      (this.opts.nextFrame ?? defaultNextFrame)(() => this.flush());
    }
  }

  /** The frame's one batch; after `done` it is also the last, so the card commits once for both. */
  private flush() {
    this.frameQueued = false;
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      this.opts.onEvents(batch);
    }
    if (this.ending) {
      this.ending = false;
      this.stop();
      this.opts.onDone();
    }
  }

  private connectionError() {
    if (this.stopped || !this.source) return;
    this.opts.onConnectionChange?.("reconnecting");
    if (this.source.readyState !== CLOSED) return; // the browser retries by itself, with Last-Event-ID
    this.source.close();
    this.source = null;
    this.flush();
    const delay = Math.min(this.opts.maxBackoffMs ?? 15_000, 500 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delay);
  }
}

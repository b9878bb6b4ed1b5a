import { action, makeObservable, observable } from "mobx";
import type { SequencedEvent } from "@/lib/sessions/events";
import { isTerminal } from "@/lib/sessions/status";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { applyEvents, emptyTranscript, type Transcript } from "@/lib/sessions/transcript";
import { nextFrame as defaultNextFrame } from "./live/frame";

export type CardDeps = {
  /** Reads the stored card once the log says `done` (the agent's comment is written before it). */
  loadCard: (sessionId: string) => Promise<TimelineSession | null>;
  /** The session's stored log after an event, as Server-Sent Events that end after `done` (the per-session route). */
  logUrl: (sessionId: string, afterSeq: number) => string;
  fetchText?: (url: string) => Promise<string>;
  nextFrame?: (fn: () => void) => void;
};

/** One session card: the stored session and what its events said so far. The tab's live connection feeds it. */
export class AgentSessionModel {
  session: TimelineSession;
  transcript: Transcript = emptyTranscript();
  connection: "idle" | "open" | "reconnecting" = "idle";
  /** How many event batches were applied: one React commit each, at most one per frame. */
  batches = 0;
  private buffer: SequencedEvent[] = [];
  private frameQueued = false;

  constructor(
    session: TimelineSession,
    private readonly deps: CardDeps,
  ) {
    this.session = session;
    makeObservable(this, {
      session: observable.ref,
      transcript: observable,
      connection: observable,
      batches: observable,
      applyBatch: action,
      settle: action,
      setConnection: action,
    });
  }

  get id() {
    return this.session.id;
  }

  get isActive() {
    return !isTerminal(this.session.status) && !this.transcript.done;
  }

  /** The status to show: the log's latest word, unless the stored row already ended. */
  get status() {
    if (isTerminal(this.session.status)) return this.session.status;
    return this.transcript.status ?? this.session.status;
  }

  /** Events arrive one by one; the card takes them as one batch per animation frame. */
  push(event: SequencedEvent) {
    this.buffer.push(event);
    if (this.frameQueued) return;
    this.frameQueued = true;
    (this.deps.nextFrame ?? defaultNextFrame)(() => this.flush());
  }

  private flush() {
    this.frameQueued = false;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const wasDone = this.transcript.done;
    this.applyBatch(batch);
    if (!wasDone && this.transcript.done) void this.refresh();
  }

  applyBatch(batch: SequencedEvent[]) {
    if (applyEvents(this.transcript, batch) > 0) this.batches++;
  }

  settle(session: TimelineSession) {
    this.session = session;
  }

  setConnection(state: "idle" | "open" | "reconnecting") {
    this.connection = state;
  }

  /** "Show work" of a finished card: reads the rest of its stored log once. */
  async loadLog() {
    if (this.transcript.done) return;
    const fetchText = this.deps.fetchText ?? (async (url: string) => (await fetch(url)).text());
    const body = await fetchText(this.deps.logUrl(this.id, this.transcript.lastSeq)).catch(() => "");
    const events = body
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as SequencedEvent);
    if (events.length) this.applyBatch(events);
  }

  /** After `done`: the stored card, with the agent's comment (written before `done`, so one read suffices). */
  async refresh() {
    const card = await this.deps.loadCard(this.id).catch(() => null);
    if (card) this.settle(card);
  }
}

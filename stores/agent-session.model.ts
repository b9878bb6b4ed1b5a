import { action, makeObservable, observable } from "mobx";
import type { SequencedEvent } from "@/lib/sessions/events";
import { isTerminal } from "@/lib/sessions/status";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { applyEvents, emptyTranscript, type Transcript } from "@/lib/sessions/transcript";
import type { EventSourceLike } from "./session-stream";
import { SessionStream } from "./session-stream";

export type StreamDeps = {
  streamUrl: (sessionId: string, lastSeq: number) => string;
  /** Reads the stored card when the stream ends, so the card settles into the agent's comment. */
  loadCard: (sessionId: string) => Promise<TimelineSession | null>;
  createEventSource?: (url: string) => EventSourceLike;
  nextFrame?: (fn: () => void) => void;
};

/** One session card: the stored session, what its events said so far, and its live stream. */
export class AgentSessionModel {
  session: TimelineSession;
  transcript: Transcript = emptyTranscript();
  connection: "idle" | "open" | "reconnecting" = "idle";
  /** How many event batches were applied: one React commit each, at most one per frame. */
  batches = 0;
  private stream: SessionStream | null = null;

  constructor(
    session: TimelineSession,
    private readonly deps: StreamDeps,
  ) {
    this.session = session;
    makeObservable<AgentSessionModel, "setConnection">(this, {
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

  /** The status to show: the stream knows first, the stored row knows last. */
  get status() {
    if (isTerminal(this.session.status)) return this.session.status;
    return this.transcript.status ?? this.session.status;
  }

  /** Opens the stream: live for an active session, a replay of the whole log for a finished one. */
  connect() {
    if (this.stream) return;
    this.stream = new SessionStream({
      url: (lastSeq) => this.deps.streamUrl(this.id, lastSeq),
      lastSeq: () => this.transcript.lastSeq,
      onEvents: (batch) => this.applyBatch(batch),
      onDone: () => void this.refresh(),
      onConnectionChange: (state) => this.setConnection(state),
      createEventSource: this.deps.createEventSource,
      nextFrame: this.deps.nextFrame,
    });
    this.stream.start();
  }

  disconnect() {
    this.stream?.stop();
    this.stream = null;
    this.setConnection("idle");
  }

  applyBatch(batch: SequencedEvent[]) {
    if (applyEvents(this.transcript, batch) > 0) this.batches++;
  }

  settle(session: TimelineSession) {
    this.session = session;
  }

  /** Re-reads the stored card (after `done`, a cancel, or a reconnect that found the run over). */
  async refresh() {
    this.stream = null;
    this.setConnection("idle");
    // The worker writes the answer comment right after `done`: retry briefly until the row is terminal.
    for (let attempt = 0; attempt < 5; attempt++) {
      const card = await this.deps.loadCard(this.id).catch(() => null);
      if (card) this.settle(card);
      if (card && isTerminal(card.status)) return;
      await new Promise((r) => setTimeout(r, 400 * (attempt + 1)));
    }
  }

  private setConnection(state: "idle" | "open" | "reconnecting") {
    this.connection = state;
  }
}

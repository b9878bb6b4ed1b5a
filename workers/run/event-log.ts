import type { Db } from "@/db/client";
import { retryOnDbOutage } from "@/db/retry";
import { appendSessionEvents } from "@/db/queries/session-events";
import { announce, type LiveBus } from "@/lib/bus/session-events";
import { describeError } from "@/lib/log/describe-error";
import { redactDeep } from "@/lib/secrets/redact";
import type { SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";

/**
 * The run's side of the session's event log: the CLI's events, redacted, written in order in
 * batches and then announced to live readers. The first event moves the session to `streaming`.
 */
export class EventLog {
  private pending: SessionEvent[] = [];
  private writing = false;
  private drained: Promise<void> = Promise.resolve();
  private streaming = false;
  /** Set when events could not be written (the database stayed away too long): the run stops. */
  writeFailure: unknown = null;
  /** The last error event's words: a run that fails without a result is explained by them. */
  lastError: string | null = null;

  constructor(
    private readonly o: {
      db: Db;
      bus: LiveBus;
      sessionId: string;
      dbOutageMs?: number;
      secrets: () => string[];
      onWriteFailure: () => void;
    },
  ) {}

  async emit(raw: SessionEvent) {
    const { db, bus, sessionId, dbOutageMs } = this.o;
    const event = redactDeep(raw, this.o.secrets());
    if (event.type === "error") this.lastError = event.message;
    if (!this.streaming) {
      this.streaming = true;
      // The CLI's own "started" line becomes the words of the one `streaming` status event.
      await retryOnDbOutage(() => transitionSession(db, sessionId, "streaming", {}, { bus, message: event.type === "status" ? event.message : undefined }), { maxMs: dbOutageMs });
    }
    // Statuses come from transitions only, so the log never says what the row does not.
    if (event.type === "status" || event.type === "done") return;
    this.pending.push(event);
    this.kick();
    // Back-pressure: a CLI that outruns the database waits here instead of filling memory.
    if (this.pending.length >= 1000) await this.drained;
  }

  /**
   * Writes as soon as the writer is idle, and batches whatever arrives while a write is in
   * flight: one event alone goes out at once, a burst goes out in a few round trips.
   */
  private kick() {
    if (this.writing) return;
    this.writing = true;
    const { db, bus, sessionId, dbOutageMs } = this.o;
    this.drained = (async () => {
      while (this.pending.length) {
        const batch = this.pending.slice(0, 500);
        // The database numbers and keeps events in order, before live readers hear of them. While it
        // is unreachable (a restart) the batch stays first in line and is retried; the CLI goes on.
        const stored = await retryOnDbOutage(() => appendSessionEvents(db, sessionId, batch), {
          maxMs: dbOutageMs,
          onRetry: (err, n) => n === 1 && console.warn(`[worker] session ${sessionId}: the database is unavailable, keeping events until it is back (${describeError(err)})`),
        });
        this.pending.splice(0, batch.length);
        if (stored) {
          const s = stored.session;
          await announce(bus, [{ kind: "session", workspaceId: s.workspaceId, issueId: s.issueId, sessionId: s.id, events: stored.events }]);
        }
      }
    })()
      .catch((err: unknown) => {
        // Nobody awaits this loop: an error here must stop the run, never the process.
        this.writeFailure ??= err;
        this.pending.length = 0;
        this.o.onWriteFailure();
      })
      .finally(() => {
        this.writing = false;
        // An event pushed between the loop's last check and here would otherwise wait for the next one.
        if (this.pending.length) this.kick();
      });
  }

  /** Resolves when everything emitted so far is written (or given up on). */
  async flush(): Promise<void> {
    this.kick();
    await this.drained;
    if (this.pending.length) await this.flush();
  }
}

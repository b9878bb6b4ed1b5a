import { Redis } from "ioredis";
import { topicKeys, type LiveEntry } from "@/lib/live/entries";
import { describeError } from "@/lib/log/describe-error";
import { getLiveBus, LIVE_STREAM, MemoryLiveBus } from "./session-events";
import { logFor } from "@/lib/observability/log";

export type LiveListener = (entry: LiveEntry) => void;

/** Live entries for this process's open streams, by topic key (`session:<id>`, `issue:<id>`, `workspace:<id>`). */
export interface LiveHub {
  subscribe(key: string, listener: LiveListener): () => void;
  /** Resolves once everything published from now on will reach listeners (subscribe first, then replay, then await nothing lost). */
  ready(): Promise<void>;
  /**
   * Called after the hub's connection to the bus came back: announcements made meanwhile may be
   * lost (a Redis restart), so streams re-read their topics from the database.
   */
  onResync(fn: () => void): () => void;
  /** Open subscriptions, for leak checks. */
  size(): number;
  close(): void;
}

class Listeners {
  private readonly byKey = new Map<string, Set<LiveListener>>();

  add(key: string, listener: LiveListener) {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    };
  }

  /** One lookup per topic of the entry: the cost does not depend on how many keys are watched. */
  dispatch(entry: LiveEntry) {
    for (const key of topicKeys(entry)) {
      const set = this.byKey.get(key);
      if (set) for (const l of set) l(entry);
    }
  }

  size() {
    let n = 0;
    for (const s of this.byKey.values()) n += s.size;
    return n;
  }

  clear() {
    this.byKey.clear();
  }
}

/**
 * One Redis connection per process tails the installation's live stream with a blocking XREAD,
 * from the moment it started, without gaps: a new subscription joins the running read at once.
 */
export class RedisLiveHub implements LiveHub {
  private readonly reader: Redis;
  private readonly listeners = new Listeners();
  private cursor: string | null = null;
  private started: Promise<void> | null = null;
  private closed = false;
  private readonly resyncs = new Set<() => void>();
  private connectedOnce = false;

  constructor(
    url: string,
    private readonly stream = process.env.DISPATCH_LIVE_STREAM || LIVE_STREAM,
    private readonly blockMs = 5_000,
  ) {
    this.reader = new Redis(url, { maxRetriesPerRequest: null, connectionName: `dispatch-live-hub-${process.pid}` });
    this.reader.on("error", (err) => logFor("live-hub").error(`redis error: ${describeError(err)}`));
    // Every "ready" after the first is a reconnect: what was published while it was away may be gone.
    this.reader.on("ready", () => {
      if (this.connectedOnce) for (const fn of this.resyncs) fn();
      this.connectedOnce = true;
    });
  }

  onResync(fn: () => void) {
    this.resyncs.add(fn);
    return () => void this.resyncs.delete(fn);
  }

  subscribe(key: string, listener: LiveListener) {
    void this.ready();
    return this.listeners.add(key, listener);
  }

  ready() {
    this.started ??= this.start();
    return this.started;
  }

  size() {
    return this.listeners.size();
  }

  private async start() {
    // The newest entry's id (or 0): everything after it is read. Retried until Redis answers.
    for (;;) {
      try {
        const last = (await this.reader.xrevrange(this.stream, "+", "-", "COUNT", 1)) as [string, string[]][];
        this.cursor = last[0]?.[0] ?? "0-0";
        break;
      } catch (err) {
        if (this.closed) return;
        logFor("live-hub").error(`cannot read the live stream yet: ${describeError(err)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    void this.loop();
  }

  private async loop() {
    while (!this.closed) {
      const res = (await this.reader.xread("COUNT", 1000, "BLOCK", this.blockMs, "STREAMS", this.stream, this.cursor!).catch(async (err: unknown) => {
        if (this.closed) return null;
        logFor("live-hub").error(`read failed: ${describeError(err)}`);
        await new Promise((r) => setTimeout(r, 500));
        return null;
      })) as [string, [string, string[]][]][] | null;
      for (const [, entries] of res ?? []) {
        for (const [id, fields] of entries) {
          this.cursor = id;
          const raw = fields[1];
          if (!raw) continue;
          let entry: LiveEntry;
          try {
            entry = JSON.parse(raw) as LiveEntry;
          } catch {
            continue;
          }
          this.listeners.dispatch(entry);
        }
      }
    }
  }

  close() {
    this.closed = true;
    this.listeners.clear();
    this.reader.disconnect();
  }
}

export class MemoryLiveHub implements LiveHub {
  private readonly listeners = new Listeners();
  private readonly onEntry = (e: LiveEntry) => this.listeners.dispatch(e);

  constructor(private readonly bus: MemoryLiveBus) {
    bus.emitter.on("entry", this.onEntry);
  }

  subscribe(key: string, listener: LiveListener) {
    return this.listeners.add(key, listener);
  }

  async ready() {}

  /** In process, nothing published can be lost. */
  onResync() {
    return () => {};
  }

  size() {
    return this.listeners.size();
  }

  close() {
    this.bus.emitter.off("entry", this.onEntry);
    this.listeners.clear();
  }
}

const globalForHub = globalThis as unknown as { __dispatchLiveHub?: LiveHub };

export function getLiveHub(): LiveHub {
  if (globalForHub.__dispatchLiveHub) return globalForHub.__dispatchLiveHub;
  const url = process.env.REDIS_URL;
  globalForHub.__dispatchLiveHub = url ? new RedisLiveHub(url) : new MemoryLiveHub(getLiveBus() as MemoryLiveBus);
  return globalForHub.__dispatchLiveHub;
}

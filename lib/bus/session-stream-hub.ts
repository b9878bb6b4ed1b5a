import { Redis } from "ioredis";
import type { SequencedEvent } from "@/lib/sessions/events";
import { getSessionEventBus, MemorySessionEventBus, streamKey } from "./session-events";

type Listener = (event: SequencedEvent) => void;

/** Live events of sessions for this process's open streams. */
export interface SessionStreamHub {
  subscribe(sessionId: string, listener: Listener): () => void;
  /** Open subscriptions, for leak checks. */
  size(): number;
}

/**
 * One Redis connection per process reads every watched session stream with a single blocking
 * XREAD, however many browsers are connected; each session starts from the moment it was
 * first watched, so nothing added meanwhile is missed.
 */
export class RedisStreamHub implements SessionStreamHub {
  private readonly reader: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly cursors = new Map<string, string>();
  private running = false;
  private closed = false;

  constructor(url: string, private readonly blockMs = 500) {
    this.reader = new Redis(url, { maxRetriesPerRequest: null, connectionName: "dispatch-stream-hub" });
    this.reader.on("error", (err) => console.error("[stream-hub] redis error:", err.message));
  }

  subscribe(sessionId: string, listener: Listener) {
    const key = streamKey(sessionId);
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      this.cursors.set(key, `${Date.now() - 1000}-0`);
    }
    set.add(listener);
    if (!this.running) void this.loop();
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(key);
        this.cursors.delete(key);
      }
    };
  }

  size() {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private async loop() {
    this.running = true;
    try {
      while (this.cursors.size > 0) {
        const keys = [...this.cursors.keys()];
        const ids = keys.map((k) => this.cursors.get(k)!);
        const res = (await this.reader.xread("COUNT", 1000, "BLOCK", this.blockMs, "STREAMS", ...keys, ...ids).catch(async (err: unknown) => {
          if (this.closed) return null;
          console.error("[stream-hub] read failed:", err);
          await new Promise((r) => setTimeout(r, 500));
          return null;
        })) as [string, [string, string[]][]][] | null;
        for (const [key, entries] of res ?? []) {
          if (!this.cursors.has(key)) continue;
          for (const [id, fields] of entries) {
            this.cursors.set(key, id);
            const raw = fields[fields.indexOf("event") + 1];
            if (!raw) continue;
            let event: SequencedEvent;
            try {
              event = JSON.parse(raw) as SequencedEvent;
            } catch {
              continue;
            }
            for (const l of this.listeners.get(key) ?? []) l(event);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  close() {
    this.closed = true;
    this.cursors.clear();
    this.listeners.clear();
    this.reader.disconnect();
  }
}

export class MemoryStreamHub implements SessionStreamHub {
  constructor(private readonly bus: MemorySessionEventBus) {}

  subscribe(sessionId: string, listener: Listener) {
    this.bus.emitter.on(streamKey(sessionId), listener);
    return () => void this.bus.emitter.off(streamKey(sessionId), listener);
  }

  size() {
    return this.bus.emitter.eventNames().reduce((n, name) => n + this.bus.emitter.listenerCount(name), 0);
  }
}

const globalForHub = globalThis as unknown as { __dispatchHub?: SessionStreamHub };

export function getSessionStreamHub(): SessionStreamHub {
  if (globalForHub.__dispatchHub) return globalForHub.__dispatchHub;
  const url = process.env.REDIS_URL;
  const bus = getSessionEventBus();
  globalForHub.__dispatchHub = url ? new RedisStreamHub(url) : new MemoryStreamHub(bus as MemorySessionEventBus);
  return globalForHub.__dispatchHub;
}

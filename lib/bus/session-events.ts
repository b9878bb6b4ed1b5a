import { EventEmitter } from "node:events";
import { Redis } from "ioredis";
import type { SequencedEvent } from "@/lib/sessions/events";

/** Redis Stream per session, trimmed; readers replay from an id and then tail. */
export const streamKey = (sessionId: string) => `session:${sessionId}`;
const MAX_LEN = 10_000;

/** Events are written to the database first; this announces them to live readers. */
export interface SessionEventBus {
  publish(sessionId: string, events: SequencedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export class RedisSessionEventBus implements SessionEventBus {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    this.redis.on("error", (err) => console.error("[bus] redis error:", err.message));
  }

  async publish(sessionId: string, events: SequencedEvent[]) {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of events) pipeline.xadd(streamKey(sessionId), "MAXLEN", "~", MAX_LEN, "*", "seq", String(e.seq), "event", JSON.stringify(e));
    pipeline.expire(streamKey(sessionId), 24 * 3600);
    await pipeline.exec();
  }

  async close() {
    this.redis.disconnect();
  }
}

export class MemorySessionEventBus implements SessionEventBus {
  readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(sessionId: string, events: SequencedEvent[]) {
    for (const e of events) this.emitter.emit(streamKey(sessionId), e);
  }

  async close() {
    this.emitter.removeAllListeners();
  }
}

const globalForEvents = globalThis as unknown as { __dispatchEvents?: SessionEventBus };

export function getSessionEventBus(): SessionEventBus {
  const url = process.env.REDIS_URL;
  globalForEvents.__dispatchEvents ??= url ? new RedisSessionEventBus(url) : new MemorySessionEventBus();
  return globalForEvents.__dispatchEvents;
}

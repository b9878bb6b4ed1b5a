import { EventEmitter } from "node:events";
import { Redis } from "ioredis";
import type { LiveEntry } from "@/lib/live/entries";
import { describeError } from "@/lib/log/describe-error";
import { measure } from "@/lib/observability/metrics";
import { logFor } from "@/lib/observability/log";

/**
 * One Redis Stream for the whole installation: every web process reads it with one blocking
 * XREAD, so the cost of an event does not grow with the number of sessions being watched.
 * (Every Redis connection of Dispatch is named `dispatch-…-<pid>`, so `CLIENT LIST` tells whose it is.)
 */
export const LIVE_STREAM = "dispatch:live";
const MAX_LEN = 50_000;

/** Writes go to the database first; this announces them to live readers (at-least-once, readers dedupe by seq). */
export interface LiveBus {
  publish(entries: LiveEntry[]): Promise<void>;
  close(): Promise<void>;
}

export class RedisLiveBus implements LiveBus {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly stream = process.env.DISPATCH_LIVE_STREAM || LIVE_STREAM,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, connectionName: `dispatch-live-bus-${process.pid}` });
    this.redis.on("error", (err) => logFor("bus").error(`redis error: ${describeError(err)}`));
  }

  async publish(entries: LiveEntry[]) {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of entries) pipeline.xadd(this.stream, "MAXLEN", "~", MAX_LEN, "*", "e", JSON.stringify(e));
    await pipeline.exec();
  }

  async close() {
    this.redis.disconnect();
  }
}

export class MemoryLiveBus implements LiveBus {
  readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(entries: LiveEntry[]) {
    for (const e of entries) this.emitter.emit("entry", e);
  }

  async close() {
    this.emitter.removeAllListeners();
  }
}

const globalForEvents = globalThis as unknown as { __dispatchLiveBus?: LiveBus };

export function getLiveBus(): LiveBus {
  const url = process.env.REDIS_URL;
  globalForEvents.__dispatchLiveBus ??= url ? new RedisLiveBus(url) : new MemoryLiveBus();
  return globalForEvents.__dispatchLiveBus;
}

/** Announces without failing the caller: the write already committed, and readers fill gaps from the database. */
export async function announce(bus: LiveBus, entries: LiveEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await bus.publish(entries);
      return measure((m) => entries.forEach((e) => m.eventsPublished.inc({ kind: e.kind }, e.kind === "session" ? e.events.length : 1)));
    } catch (err) {
      if (attempt >= 2) return void logFor("bus").error(`publish failed: ${describeError(err)}`);
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

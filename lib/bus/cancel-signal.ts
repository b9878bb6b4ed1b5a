import { EventEmitter } from "node:events";
import { Redis } from "ioredis";
import { describeError } from "@/lib/log/describe-error";
import { logFor } from "@/lib/observability/log";

export const CANCEL_CHANNEL = "dispatch:session-cancel";

/**
 * Tells the worker running a session to stop it. Pub/sub is at-most-once, so this is only the
 * fast path: the worker also re-reads the session's status while it runs.
 */
export interface CancelSignal {
  publish(sessionId: string): Promise<void>;
  subscribe(handler: (sessionId: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class RedisCancelSignal implements CancelSignal {
  private readonly publisher: Redis;

  constructor(private readonly url: string) {
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectionName: `dispatch-cancel-pub-${process.pid}` });
    this.publisher.on("error", (err) => logFor("bus").error(`redis error: ${describeError(err)}`));
  }

  async publish(sessionId: string) {
    await this.publisher.publish(CANCEL_CHANNEL, sessionId);
  }

  async subscribe(handler: (sessionId: string) => void) {
    const sub = new Redis(this.url, { connectionName: `dispatch-cancel-sub-${process.pid}` });
    sub.on("error", (err) => logFor("bus").error(`redis error: ${describeError(err)}`));
    sub.on("message", (_channel: string, id: string) => handler(id));
    await sub.subscribe(CANCEL_CHANNEL);
    return async () => {
      sub.disconnect();
    };
  }

  async close() {
    this.publisher.disconnect();
  }
}

export class MemoryCancelSignal implements CancelSignal {
  private readonly emitter = new EventEmitter();

  async publish(sessionId: string) {
    this.emitter.emit("cancel", sessionId);
  }

  async subscribe(handler: (sessionId: string) => void) {
    this.emitter.on("cancel", handler);
    return async () => {
      this.emitter.off("cancel", handler);
    };
  }

  async close() {
    this.emitter.removeAllListeners();
  }
}

const globalForBus = globalThis as unknown as { __dispatchCancel?: CancelSignal };

export function getCancelSignal(): CancelSignal {
  const url = process.env.REDIS_URL;
  globalForBus.__dispatchCancel ??= url ? new RedisCancelSignal(url) : new MemoryCancelSignal();
  return globalForBus.__dispatchCancel;
}

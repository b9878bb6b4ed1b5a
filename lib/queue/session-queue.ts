import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { queuePrefix, SESSION_JOB_OPTIONS, SESSION_QUEUE } from "./config";
import type { RunSessionJob } from "./jobs";
import { describeError } from "@/lib/log/describe-error";
import { logFor } from "@/lib/observability/log";

export interface SessionQueue {
  readonly kind: "bullmq" | "memory";
  /** Idempotent: enqueuing the same session twice keeps one job. */
  enqueue(sessionId: string): Promise<void>;
  /**
   * Recovery: makes sure a session that still waits for a worker has a job, also when its job was
   * lost (Redis restarted without persistence) or finished without claiming it (a failed claim).
   */
  requeue(sessionId: string): Promise<boolean>;
  /** Drops a job that has not started (cancel before a worker took it). */
  remove(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export class BullSessionQueue implements SessionQueue {
  readonly kind = "bullmq" as const;
  private readonly queue: Queue<RunSessionJob>;
  private readonly connection: Redis;

  constructor(redisUrl: string, name = SESSION_QUEUE) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: `dispatch-queue-${process.pid}` });
    this.connection.on("error", (err) => logFor("queue").error(`redis error: ${describeError(err)}`));
    this.queue = new Queue<RunSessionJob>(name, { connection: this.connection, prefix: queuePrefix() });
  }

  async enqueue(sessionId: string) {
    await this.queue.add("run-session", { sessionId }, { jobId: sessionId, ...SESSION_JOB_OPTIONS });
  }

  async requeue(sessionId: string) {
    const job = await this.queue.getJob(sessionId);
    if (job) {
      const state = await job.getState();
      if (state !== "completed" && state !== "failed") return false;
      await job.remove().catch(() => undefined);
    }
    await this.enqueue(sessionId);
    return true;
  }

  async remove(sessionId: string) {
    const job = await this.queue.getJob(sessionId);
    if (job && (await job.isWaiting())) await job.remove().catch(() => undefined);
  }

  async close() {
    await this.queue.close();
    this.connection.disconnect();
  }

  /** Tests only: delete the queue and all its jobs. */
  async destroy() {
    await this.queue.obliterate({ force: true });
    await this.close();
  }
}

/** Resolves when the session's run is over (not when it was accepted). */
type Handler = (job: RunSessionJob) => Promise<void>;

/** The embedded default: the same interface in process; the worker loop registers a handler. */
export class MemorySessionQueue implements SessionQueue {
  readonly kind = "memory" as const;
  private readonly waiting = new Set<string>();
  private readonly known = new Set<string>();
  private handler: Handler | null = null;

  async enqueue(sessionId: string) {
    if (this.known.has(sessionId)) return;
    this.known.add(sessionId);
    this.waiting.add(sessionId);
    this.drain();
  }

  async requeue(sessionId: string) {
    if (this.known.has(sessionId)) return false;
    await this.enqueue(sessionId);
    return true;
  }

  async remove(sessionId: string) {
    this.waiting.delete(sessionId);
    this.known.delete(sessionId);
  }

  /** Registers the processor (the in-process worker) and runs what is waiting. */
  process(handler: Handler) {
    this.handler = handler;
    this.drain();
  }

  waitingIds(): string[] {
    return [...this.waiting];
  }

  private drain() {
    if (!this.handler) return;
    for (const id of [...this.waiting]) {
      this.waiting.delete(id);
      // Forgotten once its run settles: a session that is still waiting afterwards (its claim failed) can be queued again.
      void this.handler({ sessionId: id })
        .catch((err: unknown) => logFor("queue").error({ sessionId: id }, `session ${id} failed: ${describeError(err)}`))
        .finally(() => this.known.delete(id));
    }
  }

  async close() {
    this.handler = null;
  }
}

const globalForQueue = globalThis as unknown as { __dispatchQueue?: SessionQueue };

/** BullMQ on REDIS_URL; without it, the in-process queue. One per process. */
export function getSessionQueue(): SessionQueue {
  const url = process.env.REDIS_URL;
  globalForQueue.__dispatchQueue ??= url ? new BullSessionQueue(url) : new MemorySessionQueue();
  return globalForQueue.__dispatchQueue;
}

import { env } from "@/lib/env";

/**
 * Every setting of the session queue, read by the web side that enqueues and the worker that
 * takes jobs: one place to change a name, a retention or a lock.
 */
export const SESSION_QUEUE = "agent-sessions";

/** BULLMQ_PREFIX keeps several installations (or test runs) apart on one Redis. Read when a queue is opened. */
export const queuePrefix = () => process.env.BULLMQ_PREFIX || "bull";

/** Per job: one attempt; the last finished and failed jobs are kept for inspection. */
export const SESSION_JOB_OPTIONS = { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 } as const;

/** A worker that does not renew a job's lock within this long loses it to another worker. */
export const LOCK_DURATION_MS = 60_000;

/** Sessions one worker runs at once (WORKER_CONCURRENCY, validated in lib/env.ts). */
export const workerConcurrency = () => env().WORKER_CONCURRENCY ?? 4;

import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Worker as BullWorker } from "bullmq";
import { Redis } from "ioredis";
import { dataDir, type Db } from "@/db/client";
import { heartbeat, removeWorker } from "@/db/queries/worker";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import type { LiveBus } from "@/lib/bus/session-events";
import { keyRing } from "@/lib/crypto/token-box";
import { runSessionJobSchema, SESSION_QUEUE } from "@/lib/queue/jobs";
import { BullSessionQueue, type MemorySessionQueue, type SessionQueue } from "@/lib/queue/session-queue";
import { recoverLine } from "@/lib/sessions/admission";
import { transitionSession } from "@/lib/sessions/transitions";
import { reap } from "./reaper";
import { runSession, type RunnerDeps } from "./run-session";
import { DockerSandbox } from "./sandbox/docker-sandbox";
import type { SandboxDriver } from "./sandbox/types";

export type WorkerOptions = {
  db: Db;
  events: LiveBus;
  cancel: CancelSignal;
  /** BullMQ on this Redis, or the in-process queue of the embedded default. */
  source: { redisUrl: string } | { memory: MemorySessionQueue };
  concurrency?: number;
  sandbox?: SandboxDriver;
  workerId?: string;
  heartbeatMs?: number;
  reapEveryMs?: number;
  staleSeconds?: number;
  /** SIGTERM: how long running sessions may go on before they are cancelled. */
  graceMs?: number;
  /** Tests: runner settings such as a short timeout. */
  runner?: Partial<RunnerDeps>;
};

const num = (v: string | undefined, fallback: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : fallback);

/** The worker loop, shared by `npm run worker` and the embedded default. */
export async function startWorker(o: WorkerOptions) {
  const workerId = o.workerId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const concurrency = o.concurrency ?? num(process.env.WORKER_CONCURRENCY, 4);
  const sandbox = o.sandbox ?? new DockerSandbox();
  const active = new Set<string>();
  const deps: RunnerDeps = {
    db: o.db,
    sandbox,
    events: o.events,
    cancel: o.cancel,
    keyRing: keyRing(dataDir()),
    workerId,
    workRoot: process.env.DISPATCH_WORK_DIR ?? path.join(os.tmpdir(), "dispatch-sessions"),
    limits: {
      memoryMb: num(process.env.AGENT_MEMORY_MB, 2048),
      cpus: num(process.env.AGENT_CPUS, 1),
      pids: num(process.env.AGENT_PIDS, 512),
    },
    ...o.runner,
  };

  const process_ = async (sessionId: string) => {
    active.add(sessionId);
    try {
      await runSession(deps, sessionId);
    } finally {
      active.delete(sessionId);
    }
  };

  const beat = () => heartbeat(o.db, { id: workerId, hostname: os.hostname() }).catch((err: unknown) => console.error("[worker] heartbeat failed:", err));
  // Jobs go back into the queue this worker reads (the line lives in the database; see recoverLine).
  const producer: SessionQueue = "memory" in o.source ? o.source.memory : new BullSessionQueue(o.source.redisUrl);
  const sweep = async () => {
    await reap({ db: o.db, bus: o.events, sandbox, staleSeconds: o.staleSeconds ?? 90, ownWorkerId: workerId, ownActive: active })
      .then((r) => (r.failed || r.removed) && console.info(`[worker] reaper: failed ${r.failed} orphaned sessions, removed ${r.removed} containers`))
      .catch((err: unknown) => console.error("[worker] reaper failed:", err));
    await recoverLine(o.db, { queue: producer, bus: o.events })
      .then((r) => r.placed && console.info(`[worker] line: placed ${r.placed} sessions that were never placed`))
      .catch((err: unknown) => console.error("[worker] rebuilding the line failed:", err));
  };
  await beat();
  await sweep();
  const timers = [setInterval(beat, o.heartbeatMs ?? 15_000), setInterval(sweep, o.reapEveryMs ?? 60_000)];

  let bull: BullWorker | null = null;
  let connection: Redis | null = null;
  if ("redisUrl" in o.source) {
    connection = new Redis(o.source.redisUrl, { maxRetriesPerRequest: null });
    bull = new BullWorker(
      SESSION_QUEUE,
      async (job) => {
        const parsed = runSessionJobSchema.safeParse(job.data);
        if (!parsed.success) return console.error(`[worker] dropping malformed job ${job.id}`);
        await process_(parsed.data.sessionId);
      },
      { connection, concurrency, prefix: process.env.BULLMQ_PREFIX || "bull", lockDuration: 60_000, autorun: true },
    );
    bull.on("error", (err) => console.error("[worker] queue error:", err.message));
  } else {
    // The in-process queue hands jobs over at once; a small semaphore keeps the same concurrency.
    const waiting: string[] = [];
    const next = () => {
      while (active.size < concurrency && waiting.length) void process_(waiting.shift()!).finally(next);
    };
    o.source.memory.process(async ({ sessionId }) => {
      waiting.push(sessionId);
      next();
    });
  }
  console.info(`[worker] ${workerId} running up to ${concurrency} sessions at once`);

  return {
    workerId,
    active: () => new Set(active),
    /** Stop taking jobs, let running sessions finish within the grace period, then cancel them. */
    async stop() {
      timers.forEach(clearInterval);
      const closing = bull?.close() ?? Promise.resolve();
      const deadline = Date.now() + (o.graceMs ?? num(process.env.WORKER_GRACE_MS, 30_000));
      while (active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      for (const id of active) {
        await transitionSession(o.db, id, "cancelled", { errorMessage: "The worker shut down before the session finished." }, { bus: o.events });
        await o.cancel.publish(id).catch(() => undefined);
      }
      // The runs see the cancel, kill their containers and clean up.
      const cleanupBy = Date.now() + 10_000;
      while (active.size && Date.now() < cleanupBy) await new Promise((r) => setTimeout(r, 100));
      await Promise.race([closing, new Promise((r) => setTimeout(r, 5_000))]);
      connection?.disconnect();
      if (producer.kind === "bullmq") await producer.close().catch(() => undefined);
      await removeWorker(o.db, workerId).catch(() => undefined);
    },
  };
}

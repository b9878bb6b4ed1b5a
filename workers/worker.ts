import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Worker as BullWorker } from "bullmq";
import { Redis } from "ioredis";
import { dataDir, type Db } from "@/db/client";
import { heartbeat, removeWorker } from "@/db/queries/workers";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import type { LiveBus } from "@/lib/bus/session-events";
import { keyRing } from "@/lib/crypto/token-box";
import { describeError } from "@/lib/log/describe-error";
import { env } from "@/lib/env";
import { LOCK_DURATION_MS, queuePrefix, SESSION_QUEUE, workerConcurrency } from "@/lib/queue/config";
import { runSessionJobSchema } from "@/lib/queue/jobs";
import { logFor } from "@/lib/observability/log";
import { setProcessLogFields, withLogContext } from "@/lib/observability/log-context";
import { BullSessionQueue, type MemorySessionQueue, type SessionQueue } from "@/lib/queue/session-queue";
import type { Leadership } from "@/db/leader";
import { workerStoppedMessage } from "@/lib/sessions/failure";
import { parkSession } from "@/lib/sessions/requests";
import { startReconciler } from "@/lib/sessions/reconcile";
import { transitionSession } from "@/lib/sessions/transitions";
import { startImagePreparation } from "./images/prepare-images";
import { reapContainers } from "./reaper";
import { runSession, type RunnerDeps } from "./run/run-session";
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
  /**
   * The installation-wide reconciler (lib/sessions/reconcile.ts) runs in this process too, led by
   * `leadership` (default: this process alone); `sole`: this process owns the database (PGlite).
   * false: not here (a test runs its own).
   */
  reconcile?: false | { leadership?: Leadership; sole?: boolean; everyMs?: number };
  /** SIGTERM: how long running sessions may go on before they are cancelled. */
  graceMs?: number;
  /** Tests: runner settings such as a short timeout. */
  runner?: Partial<RunnerDeps>;
};

/** The worker loop, shared by `npm run worker` and the embedded default. */
export async function startWorker(o: WorkerOptions) {
  // Validated at start-up (lib/env.ts): a bad value has already stopped the process naming it.
  const settings = env();
  const workerId = o.workerId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  setProcessLogFields({ workerId });
  const concurrency = o.concurrency ?? workerConcurrency();
  const sandbox = o.sandbox ?? new DockerSandbox();
  const active = new Set<string>();
  const deps: RunnerDeps = {
    db: o.db,
    sandbox,
    events: o.events,
    cancel: o.cancel,
    keyRing: keyRing(dataDir()),
    workerId,
    workRoot: settings.DISPATCH_WORK_DIR ?? path.join(os.tmpdir(), "dispatch-sessions"),
    limits: {
      memoryMb: settings.AGENT_MEMORY_MB ?? 2048,
      cpus: settings.AGENT_CPUS ?? 1,
      pids: settings.AGENT_PIDS ?? 512,
    },
    ...o.runner,
  };

  const processSession = async (sessionId: string) => {
    active.add(sessionId);
    try {
      await withLogContext({ sessionId, workerId }, async () => {
        const started = performance.now();
        logFor("worker").info("session taken");
        await runSession(deps, sessionId);
        logFor("worker").info({ ms: Math.round(performance.now() - started) }, "session done");
      });
    } finally {
      active.delete(sessionId);
    }
  };

  const beat = () =>
    heartbeat(o.db, { id: workerId, hostname: os.hostname() }).catch((err: unknown) => console.error(`[worker] heartbeat failed: ${describeError(err)}`));
  // Jobs go back into the queue this worker reads (the line lives in the database; see recoverLine).
  const producer: SessionQueue = "memory" in o.source ? o.source.memory : new BullSessionQueue(o.source.redisUrl);
  // Containers live on this worker's engine, so each worker sweeps its own (sessions are the reconciler's).
  const sweep = () =>
    reapContainers({ db: o.db, sandbox, ownWorkerId: workerId, ownActive: active })
      .then((removed) => removed && console.info(`[worker] removed ${removed} containers of sessions that are over`))
      .catch((err: unknown) => console.error(`[worker] sweeping containers failed: ${describeError(err)}`));
  await beat();
  await sweep();
  startImagePreparation({ db: o.db, sandbox });
  const timers = [setInterval(beat, o.heartbeatMs ?? settings.WORKER_HEARTBEAT_MS ?? 5_000), setInterval(sweep, o.reapEveryMs ?? 10_000)];
  const reconciler =
    o.reconcile === false
      ? null
      : startReconciler({
          db: o.db,
          queue: producer,
          bus: o.events,
          cancel: o.cancel,
          leadership: o.reconcile?.leadership,
          staleSeconds: o.staleSeconds ?? settings.WORKER_STALE_SECONDS ?? 20,
          everyMs: o.reconcile?.everyMs,
          local: { workerId, active: () => active, sole: o.reconcile?.sole },
        });

  let bull: BullWorker | null = null;
  let connection: Redis | null = null;
  if ("redisUrl" in o.source) {
    connection = new Redis(o.source.redisUrl, { maxRetriesPerRequest: null });
    bull = new BullWorker(
      SESSION_QUEUE,
      async (job) => {
        const parsed = runSessionJobSchema.safeParse(job.data);
        if (!parsed.success) return console.error(`[worker] dropping malformed job ${job.id}`);
        await processSession(parsed.data.sessionId);
      },
      { connection, concurrency, prefix: queuePrefix(), lockDuration: LOCK_DURATION_MS, autorun: true },
    );
    bull.on("error", (err) => console.error("[worker] queue error:", err.message));
  } else {
    // The in-process queue hands jobs over at once; a small semaphore keeps the same concurrency.
    const waiting: { id: string; settle: () => void }[] = [];
    const next = () => {
      while (active.size < concurrency && waiting.length) {
        const job = waiting.shift()!;
        void processSession(job.id).finally(() => {
          job.settle();
          next();
        });
      }
    };
    o.source.memory.process(
      ({ sessionId }) =>
        new Promise<void>((settle) => {
          waiting.push({ id: sessionId, settle });
          next();
        }),
    );
  }
  console.info(`[worker] ${workerId} running up to ${concurrency} sessions at once`);

  return {
    workerId,
    active: () => new Set(active),
    /** Stop taking jobs, let running sessions finish within the grace period, then cancel them. */
    async stop() {
      timers.forEach(clearInterval);
      await reconciler?.stop();
      const closing = bull?.close() ?? Promise.resolve();
      // One waiting on a member is parked at once, not waited for: the answer resumes it on another worker.
      for (const id of active) if (await parkSession(o.db, id, { bus: o.events })) await o.cancel.publish(id).catch(() => undefined);
      const deadline = Date.now() + (o.graceMs ?? settings.WORKER_GRACE_MS ?? 30_000);
      while (active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      for (const id of active) {
        if (!(await parkSession(o.db, id, { bus: o.events }))) {
          await transitionSession(o.db, id, "cancelled", { errorCode: "worker_stopped", errorMessage: workerStoppedMessage }, { bus: o.events });
        }
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

import path from "node:path";
import type { Db } from "@/db/client";
import { retryOnDbOutage } from "@/db/retry";
import type { RunContext } from "@/db/queries/session-run-context";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import type { LiveBus } from "@/lib/bus/session-events";
import type { KeyRing } from "@/lib/crypto/token-box";
import type { CliAdapter } from "../cli";
import type { SessionGit } from "../git/session-git";
import type { UpstreamFailure } from "../model-proxy";
import type { SandboxDriver, SandboxHandle } from "../sandbox/types";
import { EventLog } from "./event-log";

export type RunnerDeps = {
  db: Db;
  sandbox: SandboxDriver;
  events: LiveBus;
  cancel: CancelSignal;
  keyRing: KeyRing;
  workerId: string;
  /** Host folder for per-session working directories. */
  workRoot: string;
  limits: { memoryMb: number; cpus: number; pids: number };
  /** Tests shorten the session's own timeout. */
  timeoutMsOverride?: number;
  /** Tests shorten how long a question or approval waits for a member. */
  answerWaitMsOverride?: number;
  /** How long a database outage is ridden out before the run fails (default 60 s). */
  dbOutageMs?: number;
  /** How often the run re-reads its status (the cancel signal is only the fast path). */
  statusPollMs?: number;
  /** Called after the CLI exits, before the working directory is removed (commit and push go here). */
  afterRun?: (args: { sessionId: string; workDir: string; exitCode: number }) => Promise<void>;
};

/** The agent's user inside the container: the checkout and HOME are handed to it. */
export const AGENT = { uid: 1000, gid: 1000 };

/** What the prepare step found and made: everything the later steps read. */
export type Prepared = {
  ctx: RunContext;
  issueKey: string;
  adapter: CliAdapter;
  token: string;
  /** null: the project names no repository. */
  repo: SessionGit | null;
  /** The parent's CLI session id when its conversation was restored. */
  resume: string | null;
};

export type Usage = { inputTokens: number | null; outputTokens: number | null; costUsd: string | null; cliSessionId: string | null };

/**
 * One run of one session, handed from step to step (workers/run/steps.ts). A step that ends the
 * session sets `ended` (through finish), and the steps after it do not run; cleanup always does.
 */
export type Run = {
  readonly deps: RunnerDeps;
  readonly sessionId: string;
  readonly dirs: { root: string; work: string; run: string; home: string };
  /** The session's credential: never stored, streamed or posted, even if the agent echoes it. */
  secrets: string[];
  readonly log: EventLog;
  prepared: Prepared | null;
  container: SandboxHandle | null;
  proxy: { close(): Promise<void>; upstreamFailure(): UpstreamFailure | null } | null;
  /** A successful run's answer, for the deliver step. */
  answer: { text: string; usage: Usage } | null;
  ended: boolean;
};

export function createRun(deps: RunnerDeps, sessionId: string): Run {
  const root = path.join(deps.workRoot, sessionId);
  const run: Run = {
    deps,
    sessionId,
    dirs: { root, work: path.join(root, "work"), run: path.join(root, "run"), home: path.join(root, "home") },
    secrets: [],
    log: new EventLog({
      db: deps.db,
      bus: deps.events,
      sessionId,
      dbOutageMs: deps.dbOutageMs,
      secrets: () => run.secrets,
      // Events that cannot be written stop the run.
      onWriteFailure: () => void run.container?.kill(),
    }),
    prepared: null,
    container: null,
    proxy: null,
    answer: null,
    ended: false,
  };
  return run;
}

/** What a step after prepare needs; a step placed before prepare is a programming error. */
export function prepared(run: Run): Prepared {
  if (!run.prepared) throw new Error("the prepare step has not run");
  return run.prepared;
}

/** A database write of the run, ridden through an outage (see `dbOutageMs`). */
export function write<T>(run: Run, fn: () => Promise<T>): Promise<T> {
  return retryOnDbOutage(fn, { maxMs: run.deps.dbOutageMs });
}

import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/db/client";
import { retryOnDbOutage } from "@/db/retry";
import { appendSessionEvents } from "@/db/queries/session-events";
import { getSessionStatus, loadRunContext, setSessionFields, type RunContext } from "@/db/queries/worker";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import { announce, type LiveBus } from "@/lib/bus/session-events";
import { commentText, docFromText } from "@/lib/comments/body";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import type { KeyRing } from "@/lib/crypto/token-box";
import { describeError } from "@/lib/log/describe-error";
import { redactDeep, redactSecrets } from "@/lib/secrets/redact";
import { issueKey } from "@/lib/issues/schemas";
import { renderMarkdown } from "@/lib/markdown/render";
import type { SessionEvent } from "@/lib/sessions/events";
import { databaseUnavailableMessage, modelApiFailure, SessionFailure, timedOutMessage, type FailureCode } from "@/lib/sessions/failure";
import { isTerminal } from "@/lib/sessions/status";
import { buildPrompt } from "@/lib/sessions/prompt";
import { transitionSession } from "@/lib/sessions/transitions";
import { loadCliState, loadDeliveryContext, saveCliState, setDeliveryFields } from "@/db/queries/session-delivery";
import { GitStepError } from "@/lib/git/git-cli";
import { cliAdapters, modelApiBase, PROXY_CREDENTIAL } from "./cli";
import { chownTree, collectCliState, restoreCliState } from "./cli-state";
import { deliveryMarkdown, SessionGit, type Delivery } from "./session-git";
import { startModelProxy, type UpstreamFailure } from "./model-proxy";
import type { SandboxDriver, SandboxHandle } from "./sandbox/types";

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
  /** How long a database outage is ridden out before the run fails (default 60 s). */
  dbOutageMs?: number;
  /** How often the run re-reads its status (the cancel signal is only the fast path). */
  statusPollMs?: number;
  /** Called after the CLI exits, before the working directory is removed (commit and push go here). */
  afterRun?: (args: { sessionId: string; workDir: string; exitCode: number }) => Promise<void>;
};

const AGENT_UID = 1000;
const AGENT = { uid: AGENT_UID, gid: AGENT_UID };

/** Where links in commits, pull requests and comments point: the app as members reach it. */
const appUrl = () => (process.env.DISPATCH_APP_URL?.trim() || process.env.NEXTAUTH_URL?.trim() || "http://localhost:3000").replace(/\/+$/, "");

/**
 * Runs one session end to end: claim, prepare, run the CLI in its container, turn its output
 * into events, record the outcome, post the answer, clean up. Safe to call twice for one id.
 */
export async function runSession(deps: RunnerDeps, sessionId: string): Promise<void> {
  const claimed = await transitionSession(deps.db, sessionId, "provisioning", { workerId: deps.workerId }, { bus: deps.events });
  if (!claimed) return; // cancelled before we got it, or another delivery already runs it

  const run = new SessionRun(deps, sessionId);
  try {
    await run.execute();
  } catch (err) {
    if (err instanceof SessionFailure) {
      await run.fail(err.code, err.message);
    } else {
      console.error(`[worker] session ${sessionId} crashed: ${describeError(err)}`);
      await run.fail("worker_error", `The worker failed while running the session (${err instanceof Error ? err.name : "error"}). The worker's log has the details; start the agent again.`);
    }
  } finally {
    await run.cleanup();
  }
}

class SessionRun {
  private pending: SessionEvent[] = [];
  /** Set when events could not be written (the database stayed away too long): the run stops. */
  private writeFailure: unknown = null;
  private writing = false;
  private drained: Promise<void> = Promise.resolve();
  private container: SandboxHandle | null = null;
  private proxy: { close(): Promise<void>; upstreamFailure(): UpstreamFailure | null } | null = null;
  /** The CLI's last stderr lines: a run that exits without a result is explained by them. */
  private stderrTail: string[] = [];
  private stopReason: "cancelled" | "timed_out" | null = null;
  private dir: string;
  private streaming = false;
  private lastError: string | null = null;
  private finished = false;
  /** The session's credential: never stored, streamed or posted, even if the agent echoes it. */
  private secrets: string[] = [];

  constructor(
    private readonly deps: RunnerDeps,
    private readonly sessionId: string,
  ) {
    this.dir = path.join(deps.workRoot, sessionId);
  }

  async execute() {
    const ctx = await loadRunContext(this.deps.db, this.sessionId);
    if (!ctx) return;
    const adapter = cliAdapters[ctx.provider.cli];
    if (!adapter) return this.fail("worker_error", `No CLI adapter named "${ctx.provider.cli}" is installed in this worker.`);
    if (!(await this.deps.sandbox.imageExists(ctx.provider.image))) {
      return this.fail("image_missing", `The agent image ${ctx.provider.image} is missing on the worker. An operator can build it with: npm run images`);
    }
    const token = await this.credential(ctx);
    if (typeof token === "object" && token) return this.fail("provider_needs_reconnect", token.reconnect);
    if (!token) return this.fail("provider_not_connected", `${ctx.provider.name} is not connected to this workspace. Ask an admin to connect it.`);
    this.secrets = [token];

    const workDir = path.join(this.dir, "work");
    const runDir = path.join(this.dir, "run");
    const homeDir = path.join(this.dir, "home");
    await fs.mkdir(this.dir, { recursive: true });
    await fs.mkdir(runDir, { recursive: true });
    await fs.mkdir(homeDir, { recursive: true });

    const delivery = await loadDeliveryContext(this.deps.db, ctx.session);
    const key = issueKey(ctx.project.identifier, ctx.issue.number);
    let repo: SessionGit | null;
    try {
      repo = await SessionGit.prepare({ db: this.deps.db, keyRing: this.deps.keyRing, sessionDir: this.dir, workDir, session: ctx.session, project: ctx.project, issueKey: key, delivery });
    } catch (err) {
      if (err instanceof GitStepError) return this.fail(gitFailureCode(err), err.message);
      throw err;
    }
    await fs.mkdir(workDir, { recursive: true });
    await chownTree(workDir, AGENT);
    // A follow-up picks the CLI's conversation up where its parent left it.
    const resume = await this.restoreConversation(delivery.parent, ctx.session.providerId, homeDir);
    await chownTree(homeDir, AGENT);
    await fs.writeFile(path.join(runDir, "prompt.txt"), this.prompt(ctx), { mode: 0o644 });
    // The credential stays in the worker: the proxy adds it to each request; the container holds a placeholder.
    // A provider opted out of the proxy (direct network) gets the network and the token instead, and no socket.
    const direct = ctx.config?.directNetwork === true;
    if (!direct) this.proxy = await startModelProxy(path.join(runDir, "api.sock"), modelApiBase(ctx.provider.cli, adapter), { headers: adapter.credentialHeaders(token) });

    // A redelivered job must never leave two containers for one session.
    for (const c of await this.deps.sandbox.list()) if (c.sessionId === this.sessionId) await this.deps.sandbox.removeById(c.id);

    const parser = adapter.createParser();
    this.container = await this.deps.sandbox.start({
      sessionId: this.sessionId,
      workerId: this.deps.workerId,
      image: ctx.provider.image,
      workDir,
      runDir,
      homeDir,
      env: adapter.containerEnv({ model: ctx.session.modelId, token: direct ? token : PROXY_CREDENTIAL, resume }),
      limits: this.deps.limits,
      network: direct ? "bridge" : "none",
    });
    await this.write(() => setSessionFields(this.deps.db, this.sessionId, { containerId: this.container!.id }));
    if (!(await this.write(() => transitionSession(this.deps.db, this.sessionId, "running", {}, { bus: this.deps.events })))) {
      // Cancelled while provisioning.
      await this.container.kill();
      return this.finish("cancelled");
    }

    const stopWatch = await this.watchForStop(ctx);
    try {
      for await (const { stream, line } of this.container.lines()) {
        if (stream === "stderr" && line.trim()) this.stderrTail = [...this.stderrTail.slice(-4), line.slice(0, 300)];
        const events = stream === "stdout" ? parser.stdout(line) : parser.stderr(line);
        for (const e of events) await this.emit(e);
      }
      const exit = await this.container.wait();
      await this.deps.afterRun?.({ sessionId: this.sessionId, workDir, exitCode: exit.exitCode });
      const cliSessionId = parser.cliSessionId();
      if (cliSessionId) await this.write(() => setSessionFields(this.deps.db, this.sessionId, { cliSessionId }));
      await this.keepConversation(homeDir, adapter.stateDirs);

      if (this.writeFailure) {
        console.error(`[worker] session ${this.sessionId}: stopped, the database was unavailable (${dbMessage(this.writeFailure)})`);
        return this.fail("database_unavailable", databaseUnavailableMessage);
      }
      if (this.stopReason === "cancelled") return this.finish("cancelled");
      if (this.stopReason === "timed_out") return this.finish("timed_out", timedOutMessage(ctx.session.timeoutMinutes), { errorCode: "timed_out" });

      const result = parser.result();
      const usage = {
        inputTokens: result?.inputTokens ?? null,
        outputTokens: result?.outputTokens ?? null,
        costUsd: result?.costUsd === null || result?.costUsd === undefined ? null : result.costUsd.toFixed(6),
        cliSessionId: result?.cliSessionId ?? cliSessionId,
      };
      if (exit.exitCode === 0 && result && !result.isError) {
        const answer = redactSecrets(result.answer ?? "", this.secrets);
        const outcome = await this.deliver(ctx, repo, { key, answer, workspaceSlug: delivery.workspaceSlug, requester: delivery.requester });
        const footer = deliveryMarkdown(outcome.delivery, ctx.session.mode, !!repo);
        const failure = outcome.error && !(outcome.delivery?.kind === "pushed" && outcome.delivery.error) ? `\n\n---\n⚠️ ${outcome.error.message}` : "";
        const comment = `${answer}${footer}${failure}`.trim();
        await this.finish(
          outcome.error ? "failed" : "completed",
          outcome.error?.message ?? null,
          { ...usage, answer, errorCode: outcome.error?.code ?? null },
          comment ? { bodyJson: docFromText(comment), bodyHtml: renderMarkdown(comment) } : undefined,
        );
      } else {
        const why = this.explainFailure(ctx, exit, result?.errorMessage ?? this.lastError);
        await this.finish("failed", why.message, { ...usage, errorCode: why.code });
      }
    } finally {
      stopWatch();
    }
  }

  /**
   * Autonomous runs with a repository: commit, push, open the pull request, and record where it
   * went. A step that fails is named in `error`; a branch that was pushed is kept and linked.
   */
  private async deliver(
    ctx: RunContext,
    repo: SessionGit | null,
    args: { key: string; answer: string; workspaceSlug: string; requester: { name: string; email: string } | null },
  ): Promise<{ delivery: Delivery | null; error: { code: FailureCode; message: string } | null }> {
    if (!repo || ctx.session.mode !== "autonomous") return { delivery: null, error: null };
    const issueUrl = `${appUrl()}/${encodeURIComponent(args.workspaceSlug)}/issue/${args.key}`;
    try {
      const delivery = await repo.deliver({
        agentName: ctx.variant.name,
        requester: args.requester,
        issue: { key: args.key, title: ctx.issue.title },
        summary: args.answer,
        links: { issue: issueUrl, session: `${issueUrl}#session-${this.sessionId}` },
        defaultBranch: ctx.project.defaultBranch,
      });
      if (delivery.kind === "pushed") {
        await this.write(() => setDeliveryFields(this.deps.db, this.sessionId, {
          branch: delivery.branch,
          commitSha: delivery.commitSha,
          pullRequestUrl: delivery.pullRequest?.url ?? null,
          filesChanged: delivery.files,
          diffPatch: redactSecrets(delivery.patch, this.secrets),
        }));
        if (delivery.error) return { delivery, error: { code: "pull_request_failed", message: `${delivery.error} The branch ${delivery.branch} was pushed: ${delivery.branchUrl}` } };
      } else if (repo.inherited) {
        // Nothing new, but the branch and pull request carry on for the next follow-up.
        const inherited = repo.inherited;
        await this.write(() => setDeliveryFields(this.deps.db, this.sessionId, inherited));
      }
      return { delivery, error: null };
    } catch (err) {
      if (!(err instanceof GitStepError)) throw err;
      const inherited = repo.inherited;
      if (inherited) await this.write(() => setDeliveryFields(this.deps.db, this.sessionId, inherited));
      return { delivery: null, error: { code: gitFailureCode(err), message: redactSecrets(err.message, this.secrets) } };
    }
  }

  /** The parent's CLI session id when its conversation could be restored under this HOME; null starts afresh. */
  private async restoreConversation(parent: { id: string; cliSessionId: string | null; providerId: string } | null, providerId: string, homeDir: string): Promise<string | null> {
    if (!parent?.cliSessionId || parent.providerId !== providerId) return null;
    const stored = await loadCliState(this.deps.db, parent.id);
    if (!stored) return null;
    return (await restoreCliState(homeDir, stored, AGENT)) > 0 ? parent.cliSessionId : null;
  }

  private async keepConversation(homeDir: string, dirs: string[]) {
    try {
      const state = await collectCliState(homeDir, dirs, (s) => redactSecrets(s, this.secrets));
      if (state) await this.write(() => saveCliState(this.deps.db, this.sessionId, state));
    } catch (err) {
      console.warn(`[worker] session ${this.sessionId}: keeping the CLI's conversation failed: ${describeError(err)}`);
    }
  }

  /** The access token, refreshed first when it is about to expire; a connection that cannot be renewed says so. */
  private async credential(ctx: RunContext): Promise<string | { reconnect: string } | null> {
    try {
      return (await getFreshToken(this.deps.db, this.deps.keyRing, { workspaceId: ctx.session.workspaceId, kind: ctx.provider.slug }))?.token ?? null;
    } catch (err) {
      if (err instanceof ReconnectNeededError) return { reconnect: err.message };
      throw err;
    }
  }

  private prompt(ctx: RunContext): string {
    return buildPrompt({
      issueKey: issueKey(ctx.project.identifier, ctx.issue.number),
      title: ctx.issue.title,
      description: ctx.issue.description,
      comments: ctx.recentComments
        .filter((c) => c.id !== ctx.session.triggerCommentId)
        .map((c) => ({ author: c.authorName ?? (c.authorSessionId ? "Agent" : "Someone"), text: commentText(c.bodyJson), role: c.authorRole })),
      skill: ctx.skill ? { name: ctx.skill.name, instructions: ctx.skill.instructions, includeGuestComments: ctx.skill.includeGuestComments } : null,
      request: ctx.session.prompt,
      mode: ctx.session.mode,
    });
  }

  /** Timeout, the cancel signal, and a status poll (pub/sub can miss): any of them kills the container. */
  private async watchForStop(ctx: RunContext): Promise<() => void> {
    const stop = (reason: "cancelled" | "timed_out") => {
      if (this.stopReason) return;
      this.stopReason = reason;
      void this.container?.kill();
    };
    const timeoutMs = this.deps.timeoutMsOverride ?? ctx.session.timeoutMinutes * 60_000;
    const timer = setTimeout(() => stop("timed_out"), timeoutMs);
    const unsubscribe = await this.deps.cancel.subscribe((id) => id === this.sessionId && stop("cancelled"));
    const poll = setInterval(async () => {
      const status = await getSessionStatus(this.deps.db, this.sessionId).catch(() => undefined);
      // Cancelled by a member, or ended by the reconciler (it took this worker for lost): either way, stop.
      if (status && isTerminal(status)) stop("cancelled");
    }, this.deps.statusPollMs ?? 1000);
    return () => {
      clearTimeout(timer);
      clearInterval(poll);
      void unsubscribe();
    };
  }

  private async emit(raw: SessionEvent) {
    const event = redactDeep(raw, this.secrets);
    if (event.type === "error") this.lastError = event.message;
    if (!this.streaming) {
      this.streaming = true;
      // The CLI's own "started" line becomes the words of the one `streaming` status event.
      await this.write(() => transitionSession(this.deps.db, this.sessionId, "streaming", {}, { bus: this.deps.events, message: event.type === "status" ? event.message : undefined }));
    }
    // Statuses come from transitions only, so the log never says what the row does not.
    if (event.type === "status" || event.type === "done") return;
    this.pending.push(event);
    this.kick();
    // Back-pressure: a CLI that outruns the database waits here instead of filling memory.
    if (this.pending.length >= 1000) await this.drained;
  }

  /**
   * Writes as soon as the writer is idle, and batches whatever arrives while a write is in
   * flight: one event alone goes out at once, a burst goes out in a few round trips.
   */
  private kick() {
    if (this.writing) return;
    this.writing = true;
    this.drained = (async () => {
      while (this.pending.length) {
        const batch = this.pending.slice(0, 500);
        // The database numbers and keeps events in order, before live readers hear of them. While it
        // is unreachable (a restart) the batch stays first in line and is retried; the CLI goes on.
        const stored = await retryOnDbOutage(() => appendSessionEvents(this.deps.db, this.sessionId, batch), {
          maxMs: this.deps.dbOutageMs,
          onRetry: (err, n) => n === 1 && console.warn(`[worker] session ${this.sessionId}: the database is unavailable, keeping events until it is back (${dbMessage(err)})`),
        });
        this.pending.splice(0, batch.length);
        if (stored) await announce(this.deps.events, [{ kind: "session", ...sessionKeys(stored.session), events: stored.events }]);
      }
    })()
      .catch((err: unknown) => {
        // Nobody awaits this loop: an error here must stop the run, never the process.
        this.writeFailure ??= err;
        this.pending.length = 0;
        void this.container?.kill();
      })
      .finally(() => {
      this.writing = false;
      // An event pushed between the loop's last check and here would otherwise wait for the next one.
      if (this.pending.length) this.kick();
      });
  }

  private async flush(): Promise<void> {
    this.kick();
    await this.drained;
    if (this.pending.length) await this.flush();
  }

  /** A database write of the run, ridden through an outage (see `dbOutageMs`). */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    return retryOnDbOutage(fn, { maxMs: this.deps.dbOutageMs });
  }

  /**
   * Writes what is still buffered, then ends the session (with the agent's comment, before its
   * `done`). A session cancelled meanwhile stays cancelled: the transition then does nothing.
   */
  /** Ends the session as failed, with the code and words a member sees in the card, the comment and the API. */
  fail(code: FailureCode, message: string) {
    return this.finish("failed", message, { errorCode: code });
  }

  /** Why a run without a result failed: out of memory, what the model API refused, or the CLI's own last words. */
  private explainFailure(ctx: RunContext, exit: { exitCode: number; oomKilled: boolean }, reported: string | null): { code: FailureCode; message: string } {
    if (exit.oomKilled) return { code: "out_of_memory", message: `The agent ran out of memory (limit ${this.deps.limits.memoryMb} MB). An operator can raise AGENT_MEMORY_MB.` };
    const upstream = this.proxy?.upstreamFailure();
    const api = upstream ? modelApiFailure(ctx.provider.name, upstream) : null;
    if (api) return { code: api.code, message: reported ? `${api.message} (${reported})` : api.message };
    if (reported) return { code: "cli_exited", message: reported };
    const tail = this.stderrTail.length ? ` Its last output:\n\n${this.stderrTail.map((l) => `    ${redactSecrets(l, this.secrets)}`).join("\n")}` : "";
    return { code: "cli_exited", message: `The agent's CLI exited with code ${exit.exitCode} without an answer.${tail}` };
  }

  async finish(
    status: "completed" | "failed" | "cancelled" | "timed_out",
    error: string | null = null,
    extra: { answer?: string; inputTokens?: number | null; outputTokens?: number | null; costUsd?: string | null; cliSessionId?: string | null; errorCode?: FailureCode | null } = {},
    comment?: { bodyJson: unknown; bodyHtml: string },
  ) {
    if (this.finished) return;
    this.finished = true;
    if (error) error = redactSecrets(error, this.secrets);
    await this.flush();
    const patch = { errorMessage: error, ...extra };
    await this.write(() => transitionSession(this.deps.db, this.sessionId, status, status === "cancelled" ? {} : patch, { bus: this.deps.events, comment }));
  }

  async cleanup() {
    await this.flush().catch(() => undefined);
    if (this.container) await this.container.remove().catch((err: unknown) => console.error(`[worker] removing the container failed: ${describeError(err)}`));
    await this.proxy?.close().catch(() => undefined);
    await fs.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

const gitFailureCode = (err: GitStepError): FailureCode =>
  err.step === "pull_request" ? "pull_request_failed" : err.step === "push" || err.step === "commit" ? "push_failed" : err.step === "access" ? "forge_access" : "clone_failed";

const dbMessage = (err: unknown) => describeError(err);

const sessionKeys = (s: { id: string; workspaceId: string; issueId: string }) => ({ workspaceId: s.workspaceId, issueId: s.issueId, sessionId: s.id });

import { randomUUID } from "node:crypto";
import path from "node:path";
import { policyAsks } from "@/lib/agents/approvals";
import { isParked } from "@/db/queries/session-requests";
import { setSessionFields } from "@/db/queries/sessions";
import { redactSecrets } from "@/lib/secrets/redact";
import { databaseUnavailableMessage, timedOutMessage } from "@/lib/sessions/failure";
import { transitionSession } from "@/lib/sessions/transitions";
import { describeError } from "@/lib/log/describe-error";
import { modelApiBase, PROXY_CREDENTIAL } from "../cli";
import { startModelProxy } from "../model-proxy";
import { setupReplies } from "../setup-cache";
import { prepared, write, type Run } from "./context";
import { keepConversation } from "./conversation";
import { explainFailure } from "./explain-failure";
import { fail, finish } from "./finish";
import { memberRequestTools } from "./member-requests";
import { handleMcpMessage } from "./mcp-server";
import { watchForStop, type StopWatch } from "./stop-watch";

/**
 * Step 2: start the provider's container (behind the model proxy), turn its output into the
 * event log until it exits or is stopped, keep its conversation, and judge the result: a good
 * answer goes on to delivery, anything else ends the session here.
 */
export async function runAgent(run: Run): Promise<void> {
  const { ctx, adapter, token, resume } = prepared(run);
  const { db, sandbox, events } = run.deps;
  const { work, run: runDir, home } = run.dirs;
  // The credential stays in the worker: the proxy adds it to each request; the container holds a placeholder.
  // A provider opted out of the proxy (direct network) gets the network and the token instead, and no socket.
  const direct = ctx.config?.directNetwork === true;
  // Questions and approvals reach the worker through the same socket (workers/run/mcp-server.ts).
  const policy = ctx.skill?.approvals ?? ctx.config?.approvals ?? null;
  let watch: StopWatch | null = null;
  const parser = adapter.createParser();
  // While it waits, the conversation so far is kept: if this worker stops, the answer resumes it elsewhere.
  const keepWhileWaiting = async () => {
    const cliSessionId = parser.cliSessionId();
    if (cliSessionId) await write(run, () => setSessionFields(db, run.sessionId, { cliSessionId }));
    // The CLI writes its transcript a moment after the call that asks: a few tries.
    for (let i = 0; i < 10 && !(await keepConversation(run, adapter.stateDirs)); i++) await new Promise((r) => setTimeout(r, 200));
  };
  const tools = memberRequestTools(run, { policy, waitMinutes: ctx.skill?.answerWaitMinutes ?? null, clock: () => watch, onWait: keepWhileWaiting });
  const mcp = (body: string) => handleMcpMessage(body, tools, randomUUID);
  if (!direct) {
    run.proxy = await startModelProxy(path.join(runDir, "api.sock"), modelApiBase(ctx.provider.cli, adapter), {
      headers: adapter.credentialHeaders(token),
      mcp,
      cacheable: adapter.setupCalls,
      cache: setupReplies,
    });
  }

  // A redelivered job must never leave two containers for one session.
  for (const c of await sandbox.list()) if (c.sessionId === run.sessionId) await sandbox.removeById(c.id);

  const container = await sandbox.start({
    sessionId: run.sessionId,
    workerId: run.deps.workerId,
    image: ctx.provider.image,
    workDir: work,
    runDir,
    homeDir: home,
    env: adapter.containerEnv({ model: ctx.session.modelId, token: direct ? token : PROXY_CREDENTIAL, resume, approvals: !direct && policyAsks(policy) }),
    limits: run.deps.limits,
    network: direct ? "bridge" : "none",
  });
  run.container = container;
  await write(run, () => setSessionFields(db, run.sessionId, { containerId: container.id }));
  if (!(await write(run, () => transitionSession(db, run.sessionId, "running", {}, { bus: events })))) {
    // Cancelled while provisioning.
    await container.kill();
    return finish(run, "cancelled");
  }

  watch = await watchForStop(run, ctx.session.timeoutMinutes);
  try {
    /** The CLI's last stderr lines: a run that exits without a result is explained by them. */
    let stderrTail: string[] = [];
    for await (const { stream, line } of container.lines()) {
      if (stream === "stderr" && line.trim()) stderrTail = [...stderrTail.slice(-4), line.slice(0, 300)];
      const events = stream === "stdout" ? parser.stdout(line) : parser.stderr(line);
      for (const e of events) await run.log.emit(e);
    }
    const exit = await container.wait();
    await run.deps.afterRun?.({ sessionId: run.sessionId, workDir: work, exitCode: exit.exitCode });
    const cliSessionId = parser.cliSessionId();
    if (cliSessionId) await write(run, () => setSessionFields(db, run.sessionId, { cliSessionId }));
    await keepConversation(run, adapter.stateDirs);

    if (run.log.writeFailure) {
      console.error(`[worker] session ${run.sessionId}: stopped, the database was unavailable (${describeError(run.log.writeFailure)})`);
      return fail(run, "database_unavailable", databaseUnavailableMessage);
    }
    const stopped = watch.reason();
    // Parked (this worker stops while the session waits on a member): the answer resumes it elsewhere.
    if (await isParked(db, run.sessionId).catch(() => false)) {
      run.ended = true;
      return;
    }
    if (stopped === "cancelled") return finish(run, "cancelled");
    if (stopped === "timed_out") return finish(run, "timed_out", timedOutMessage(ctx.session.timeoutMinutes), { errorCode: "timed_out" });

    const result = parser.result();
    const usage = {
      inputTokens: result?.inputTokens ?? null,
      outputTokens: result?.outputTokens ?? null,
      costUsd: result?.costUsd === null || result?.costUsd === undefined ? null : result.costUsd.toFixed(6),
      cliSessionId: result?.cliSessionId ?? cliSessionId,
    };
    if (exit.exitCode === 0 && result && !result.isError) {
      run.answer = { text: redactSecrets(result.answer ?? "", run.secrets), usage };
      return;
    }
    const why = explainFailure(run, { providerName: ctx.provider.name, exit, reported: result?.errorMessage ?? run.log.lastError, stderrTail });
    await finish(run, "failed", why.message, { ...usage, errorCode: why.code });
  } finally {
    watch.stop();
  }
}

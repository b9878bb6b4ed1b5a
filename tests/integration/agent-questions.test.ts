import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import type { ApprovalPolicy } from "@/db/schema";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { DispatchError } from "@/lib/errors";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent } from "@/lib/sessions/events";
import { answerRequest, openRequest } from "@/lib/sessions/requests";
import { reconcileOnce } from "@/lib/sessions/reconcile";
import { transitionSession } from "@/lib/sessions/transitions";
import { agentSessions } from "@/db/schema";
import { cancelSession, getSessionOrThrow } from "@/lib/sessions/service";
import { runSession, type RunnerDeps } from "@/workers/run/run-session";
import { DockerSandbox, SESSION_LABEL } from "@/workers/sandbox/docker-sandbox";
import { startWorker } from "@/workers/worker";
import type { ModelApi } from "../support/anthropic-api";
import { connectForTest } from "../support/connections";
import { makeWorkspace } from "./helpers";
import { agentRunHarness } from "./agent-run-harness";

// Questions and approvals mid-run: the real Claude Code / Gemini CLI in the real images call the
// dispatch MCP server through the session's socket (scripted model APIs stand in for Anthropic and
// Google); members answer through the service the route and the card use.
const docker = new Docker();
const keyRing = parseKeyRing(`test:${randomBytes(32).toString("base64")}`);
const queue = new MemorySessionQueue();
const cancel = new MemoryCancelSignal();
let h: DbHandle;
let api: ModelApi;
let workRoot: string;

const deps = (extra: Partial<RunnerDeps> = {}): RunnerDeps => ({
  db: h.db,
  sandbox: new DockerSandbox(docker),
  events: getLiveBus(),
  cancel,
  keyRing,
  workerId: "test-worker",
  workRoot,
  limits: { memoryMb: 1024, cpus: 1, pids: 256 },
  statusPollMs: 300,
  ...extra,
});

const harness = agentRunHarness("dispatch-ask-");
beforeAll(() => void ({ h, api, workRoot } = harness));

async function setUp(providerSlug = "claude", approvals: ApprovalPolicy | null = null) {
  const f = await makeWorkspace(h.db, ["member", "guest"]);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Cache", description: "Add a cache." });
  const provider = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === providerSlug)!;
  await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: provider.id, patch: { maxConcurrentSessions: 10, approvals } });
  await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: provider.slug, sealed: seal(keyRing, `sk-ant-oat01-${randomBytes(8).toString("hex")}`) });
  return { ...f, issue, member: f.members[0]!, guest: f.members[1]! };
}
type Setup = Awaited<ReturnType<typeof setUp>>;

async function mention(f: Setup, text: string) {
  const { sessions } = await addComment(h.db, f.adminCtx, f.issue, { text }, { queue });
  return sessions[0]!.id;
}

async function log(id: string): Promise<SequencedEvent[]> {
  const r = (await h.db.execute(sql`select seq, payload from agent_session_events where session_id = ${id} order by seq`)) as unknown as { rows: { seq: number; payload: SequencedEvent }[] };
  return r.rows.map((x) => ({ ...x.payload, seq: x.seq }));
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The open request the run is waiting on, once the session says so. */
async function openRequestOf(f: Setup, id: string) {
  await waitFor(() => getSessionOrThrow(h.db, f.adminCtx, id), (s) => s.status === "awaiting_input");
  const ev = (await log(id)).find((e) => e.type === "request");
  if (ev?.type !== "request") throw new Error("no request event");
  return ev.request;
}

const conflict = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DispatchError);
  return err as DispatchError;
};

describe("an agent asks, a member answers", () => {
  it("Claude Code asks with options, waits past its own timeout, and goes on with the option a member picked; a second answer is a 409", async () => {
    const f = await setUp();
    const id = await mention(f, "@claude [script:ask] add the cache");
    // The run's own timeout (4 s here) does not run while it waits on a member.
    const running = runSession(deps({ timeoutMsOverride: 4_000 }), id);
    const request = await openRequestOf(f, id);
    expect(request).toMatchObject({ kind: "question", question: "Which database should the cache use?", options: ["PostgreSQL", "Redis"], multiple: false });
    const inbox = (await h.db.execute(sql`select kind, detail from inbox_items where session_id = ${id}`)) as unknown as { rows: { kind: string; detail: string }[] };
    expect(inbox.rows).toEqual([{ kind: "needs_answer", detail: "question" }]);

    await new Promise((r) => setTimeout(r, 5_000));
    expect((await getSessionOrThrow(h.db, f.adminCtx, id)).status).toBe("awaiting_input");
    // A guest reads the question but may not answer; an option that is not offered is a 400.
    expect((await conflict(answerRequest(h.db, f.guest.ctx, { sessionId: id, requestId: request.id, input: { choices: ["Redis"] } }))).status).toBe(403);
    expect((await conflict(answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { choices: ["MySQL"] } }))).toJSON()).toMatchObject({ field: "choices" });
    // Hostile shapes are 400s naming the field (a NUL would make PostgreSQL refuse the jsonb: never a 500).
    for (const [input, field] of [
      [{ text: "a\u0000b" }, "text"],
      [{ choices: "Redis" }, "choices"],
      [{ choices: ["Redis", "PostgreSQL"] }, "choices"],
      [{}, "text"],
      [{ decision: "approved" }, "text"],
      [{ text: "x", extra: 1 }, undefined],
      [[], undefined],
    ] as const) {
      const err = await conflict(answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input }));
      expect(err.status, JSON.stringify(input)).toBe(400);
      if (field) expect(err.toJSON().field, JSON.stringify(input)).toBe(field);
    }
    expect((await conflict(answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: "not-a-uuid", input: { text: "x" } }))).status).toBe(404);

    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { choices: ["Redis"] } });
    const second = await conflict(answerRequest(h.db, f.adminCtx, { sessionId: id, requestId: request.id, input: { choices: ["PostgreSQL"] } }));
    expect(second.status).toBe(409);
    expect(second.message).toBe("This question was already answered by member.");
    await running;

    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("completed");
    // The answer came back into the run: the model's final words quote what the tool returned.
    expect(s.answer).toBe("The member said: member answered. Chose: Redis.");
    const events = await log(id);
    expect(events.flatMap((e) => (e.type === "status" ? [e.status] : []))).toEqual(["queued", "provisioning", "running", "streaming", "awaiting_input", "streaming", "completed"]);
    expect(events.find((e) => e.type === "request_resolved")).toMatchObject({ status: "answered", by: "member", answer: { kind: "question", choices: ["Redis"], text: null } });
  }, 90_000);

  it("Gemini CLI asks through the same MCP server and goes on with the answer", async () => {
    const f = await setUp("gemini");
    const id = await mention(f, "@gemini [script:ask] add the cache");
    const running = runSession(deps(), id);
    const request = await openRequestOf(f, id);
    expect(request).toMatchObject({ kind: "question", options: ["PostgreSQL", "Redis"] });
    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { choices: ["PostgreSQL"], text: "with a TTL of 5 minutes" } });
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("completed");
    expect(s.answer).toContain("member answered. Chose: PostgreSQL. Wrote: with a TTL of 5 minutes");
  }, 90_000);

  it("a follow-up on the same issue resumes the conversation and can ask again", async () => {
    const f = await setUp();
    const first = await mention(f, "@claude [script:ask] add the cache");
    const running = runSession(deps(), first);
    await answerRequest(h.db, f.member.ctx, { sessionId: first, requestId: (await openRequestOf(f, first)).id, input: { choices: ["Redis"] } });
    await running;
    const second = await mention(f, "@claude [script:ask] and now the session store");
    expect((await getSessionOrThrow(h.db, f.adminCtx, second)).parentSessionId).toBe(first);
    const again = runSession(deps(), second);
    await answerRequest(h.db, f.member.ctx, { sessionId: second, requestId: (await openRequestOf(f, second)).id, input: { choices: ["PostgreSQL"] } });
    await again;
    expect(await getSessionOrThrow(h.db, f.adminCtx, second)).toMatchObject({ status: "completed", answer: "The member said: member answered. Chose: PostgreSQL." });
  }, 90_000);

  it("a comment that mentions the waiting agent answers it instead of starting another session", async () => {
    const f = await setUp();
    const id = await mention(f, "@claude [script:ask] add the cache");
    const running = runSession(deps(), id);
    await openRequestOf(f, id);
    const { sessions } = await addComment(h.db, f.member.ctx, f.issue, { text: "@claude use Redis, it is already deployed" }, { queue });
    expect(sessions).toEqual([]);
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.answer).toBe("The member said: member answered. Wrote: @claude use Redis, it is already deployed");
    const count = (await h.db.execute(sql`select count(*)::int as n from agent_sessions where issue_id = ${f.issue.id}`)) as unknown as { rows: { n: number }[] };
    expect(count.rows[0]!.n).toBe(1);
  }, 90_000);

  it("nobody answers in time: the agent is told so and decides itself; a late answer is a 409", async () => {
    const f = await setUp();
    const id = await mention(f, "@claude [script:ask] add the cache");
    const running = runSession(deps({ answerWaitMsOverride: 1_500 }), id);
    const request = await openRequestOf(f, id);
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("completed");
    expect(s.answer).toMatch(/^The member said: Nobody answered within 60 minutes\. Decide yourself/);
    expect((await log(id)).find((e) => e.type === "request_resolved")).toMatchObject({ status: "expired", by: null, answer: null });
    const late = await conflict(answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { choices: ["Redis"] } }));
    expect(late.message).toMatch(/no longer waiting: nobody answered in time/);
  }, 90_000);

  it("cancel while waiting ends the session, closes the question and leaves no container", async () => {
    const f = await setUp();
    const id = await mention(f, "@claude [script:ask] add the cache");
    const running = runSession(deps(), id);
    const request = await openRequestOf(f, id);
    await cancelSession(h.db, f.member.ctx, id, { queue, signal: cancel });
    await running;
    expect((await getSessionOrThrow(h.db, f.adminCtx, id)).status).toBe("cancelled");
    const events = await log(id);
    expect(events.find((e) => e.type === "request_resolved")).toMatchObject({ id: request.id, status: "closed" });
    expect(events.at(-1)?.type).toBe("done");
    expect(await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${id}`] } })).toEqual([]);
    expect((await conflict(answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { text: "late" } }))).message).toMatch(/the session ended/);
  }, 90_000);
});

describe("a worker that stops while the agent waits", () => {
  it("parks the session at once (no grace wait): the question stays open, and its answer resumes the run on the next worker", async () => {
    const f = await setUp();
    const q = new MemorySessionQueue();
    const worker = (workerId: string) =>
      startWorker({ db: h.db, events: getLiveBus(), cancel, source: { memory: q }, workerId, reconcile: false, graceMs: 60_000, runner: { workRoot, statusPollMs: 300, keyRing } });
    const a = await worker("worker-a");
    const { sessions } = await addComment(h.db, f.adminCtx, f.issue, { text: "@claude [script:ask] add the cache" }, { queue: q });
    const id = sessions[0]!.id;
    const request = await openRequestOf(f, id);
    const stopping = Date.now();
    await a.stop();
    expect(Date.now() - stopping).toBeLessThan(30_000);
    const parked = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(parked).toMatchObject({ status: "awaiting_input", workerId: null });
    expect(await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${id}`] } })).toEqual([]);

    const b = await worker("worker-b");
    try {
      await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { choices: ["Redis"] } }, { queue: q });
      const done = await waitFor(() => getSessionOrThrow(h.db, f.adminCtx, id), (s) => s.status === "completed", 60_000);
      // The new run was told what it had asked and what the member answered.
      expect(done.answer).toContain('Resumed: Your previous run stopped while it waited for an answer');
      expect(done.answer).toContain('You asked: "Which database should the cache use?" member answered. Chose: Redis.');
      expect(done.workerId).toBe("worker-b");
      // It resumed its own conversation (the CLI's session id it had), not a fresh one.
      const resumedRequest = api.requests.filter((r) => JSON.stringify(r.body.messages ?? []).includes("Your previous run stopped")).at(-1)!;
      expect(JSON.stringify(resumedRequest.body.messages)).toContain("Which database should the cache use?");
      const statuses = (await log(id)).flatMap((e) => (e.type === "status" ? [e.status] : []));
      expect(statuses).toEqual(["queued", "provisioning", "running", "streaming", "awaiting_input", "awaiting_input", "queued", "provisioning", "running", "streaming", "completed"]);
    } finally {
      await b.stop();
    }
  }, 120_000);
});

describe("a worker that dies while the agent waits (no process left to park it)", () => {
  /** A session its worker left waiting: transitions as a run makes them, then the worker goes silent. */
  async function orphanedWait(f: Setup, expiresInMs: number) {
    const id = await mention(f, "@claude [script:ask] add the cache");
    await transitionSession(h.db, id, "provisioning", { workerId: `gone-${id}` }, { queue });
    await transitionSession(h.db, id, "running", {}, { queue });
    const request = await openRequest(h.db, { sessionId: id, callId: "toolu_gone", payload: { kind: "question", question: "Which one?", options: ["A", "B"], multiple: false }, waitMs: expiresInMs });
    // Silent for two hours: only this session is that old, so other files' sessions are left alone.
    await h.db.update(agentSessions).set({ updatedAt: sql`now() - interval '2 hours'` }).where(eq(agentSessions.id, id));
    return { id, requestId: request!.id };
  }

  it("the reconciler parks it instead of failing it; the answer puts it back in line", async () => {
    const f = await setUp();
    const { id, requestId } = await orphanedWait(f, 60_000);
    const q = new MemorySessionQueue();
    await reconcileOnce({ db: h.db, queue: q, staleSeconds: 3600, observedSeconds: 3600 });
    expect(await getSessionOrThrow(h.db, f.adminCtx, id)).toMatchObject({ status: "awaiting_input", workerId: null });
    // Parked is not lost: the next sweep leaves it alone.
    expect((await reconcileOnce({ db: h.db, queue: q, staleSeconds: 3600, observedSeconds: 3600 })).failed).toBe(0);
    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId, input: { choices: ["B"] } }, { queue: q });
    expect((await getSessionOrThrow(h.db, f.adminCtx, id)).status).toBe("queued");
    expect(q.waitingIds()).toContain(id);
  });

  it("a parked question whose wait ran out is expired by the reconciler, and the session goes back in line", async () => {
    const f = await setUp();
    const { id } = await orphanedWait(f, -1_000);
    const q = new MemorySessionQueue();
    await reconcileOnce({ db: h.db, queue: q, staleSeconds: 3600, observedSeconds: 3600 });
    await reconcileOnce({ db: h.db, queue: q, staleSeconds: 3600, observedSeconds: 3600 });
    expect((await getSessionOrThrow(h.db, f.adminCtx, id)).status).toBe("queued");
    expect((await log(id)).find((e) => e.type === "request_resolved")).toMatchObject({ status: "expired" });
    // (The line's recovery also queues other files' sessions waiting in this database.)
    expect(q.waitingIds()).toContain(id);
  });
});

describe("an action waits for approval", () => {
  const rmPolicy: ApprovalPolicy = { shell: "patterns", shellPatterns: ["rm"], outsideWorkTree: false, tools: [] };

  it("rejected with a reason: the command is not run and the agent is told why", async () => {
    const f = await setUp("claude", rmPolicy);
    const id = await mention(f, "@claude [script:approve-rm] tidy up");
    const running = runSession(deps(), id);
    const request = await openRequestOf(f, id);
    expect(request).toMatchObject({ kind: "approval", tool: "Bash", action: "rm -f notes.txt", rule: 'commands matching "rm" need approval' });
    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { decision: "rejected", reason: "keep the notes" } });
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("completed");
    expect(s.answer).toContain("Bash said (error):");
    expect(s.answer).toContain("member rejected this action, so it was not run. Their reason: keep the notes");
  }, 90_000);

  it("approved: the command runs", async () => {
    const f = await setUp("claude", rmPolicy);
    const id = await mention(f, "@claude [script:approve-rm] tidy up");
    const running = runSession(deps(), id);
    const request = await openRequestOf(f, id);
    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { decision: "approved" } });
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.answer).toMatch(/^Bash said: /);
    expect(s.answer).not.toContain("(error)");
    expect((await log(id)).find((e) => e.type === "request_resolved")).toMatchObject({ status: "answered", answer: { kind: "approval", decision: "approved" } });
  }, 90_000);

  it("Gemini CLI's shell command waits for approval too (a BeforeTool hook); rejected, it is not run", async () => {
    const f = await setUp("gemini", rmPolicy);
    const id = await mention(f, "@gemini [script:approve-rm] tidy up");
    const running = runSession(deps(), id);
    const request = await openRequestOf(f, id);
    expect(request).toMatchObject({ kind: "approval", tool: "run_shell_command", action: "rm -f notes.txt" });
    await answerRequest(h.db, f.member.ctx, { sessionId: id, requestId: request.id, input: { decision: "rejected", reason: "keep the notes" } });
    await running;
    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status).toBe("completed");
    expect(s.answer).toContain("Shell said:");
    expect(s.answer).toContain("rejected this action, so it was not run. Their reason: keep the notes");
  }, 90_000);

  it("without a policy nothing waits: the same command runs at once", async () => {
    const f = await setUp("claude", null);
    const id = await mention(f, "@claude [script:approve-rm] tidy up");
    await runSession(deps(), id);
    const events = await log(id);
    expect(events.some((e) => e.type === "request")).toBe(false);
    expect((await getSessionOrThrow(h.db, f.adminCtx, id)).answer).toMatch(/^Bash said: /);
  }, 90_000);
});

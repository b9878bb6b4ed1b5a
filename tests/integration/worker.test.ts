import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus, type MemoryLiveBus } from "@/lib/bus/session-events";
import type { LiveEntry } from "@/lib/live/entries";
import { addComment, getComments } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent } from "@/lib/sessions/events";
import { cancelSession, getSessionOrThrow } from "@/lib/sessions/service";
import { PROXY_CREDENTIAL } from "@/workers/cli";
import { runSession, type RunnerDeps } from "@/workers/run/run-session";
import { DockerSandbox, SESSION_LABEL } from "@/workers/sandbox/docker-sandbox";
import type { SandboxDriver, SandboxSpec } from "@/workers/sandbox/types";
import { SCRIPT_USAGE, type ModelApi } from "../support/anthropic-api";
import { GEMINI_USAGE, type GeminiApi } from "../support/gemini-api";
import { makeWorkspace } from "./helpers";
import { agentRunHarness } from "./agent-run-harness";
import { connectForTest } from "../support/connections";

// Real Docker engine, the real Claude Code binary in the real image, a scripted Messages API.
const docker = new Docker();
const keyRing = parseKeyRing(`test:${randomBytes(32).toString("base64")}`);
const TOKEN = `sk-ant-oat01-${randomBytes(12).toString("hex")}`;

let h: DbHandle;
let api: ModelApi;
let gemini: GeminiApi;
let workRoot: string;
// The process bus: the cancel route and admission announce on it too.
const events = getLiveBus() as MemoryLiveBus;
const cancel = new MemoryCancelSignal();
const queue = new MemorySessionQueue();
const seen = new Map<string, SequencedEvent[]>();
const afterRuns = new Map<string, string[]>();

/** The session's stored log, in order: the one source of truth a client replays. */
async function storedLog(id: string): Promise<SequencedEvent[]> {
  const r = (await h.db.execute((await import("drizzle-orm")).sql`select seq, payload from agent_session_events where session_id = ${id} order by seq`)) as unknown as {
    rows: { seq: number; payload: SequencedEvent }[];
  };
  return r.rows.map((x) => ({ ...x.payload, seq: x.seq }));
}
/** What the agent did (everything but status changes), and the statuses the session went through. */
const work = (evs: SequencedEvent[]) => evs.filter((e) => e.type !== "status").map((e) => e.type);
const statuses = (evs: SequencedEvent[]) => evs.flatMap((e) => (e.type === "status" ? [e.status] : []));
const RAN = ["queued", "provisioning", "running", "streaming"];

function deps(extra: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    db: h.db,
    sandbox: new DockerSandbox(docker),
    events,
    cancel,
    keyRing,
    workerId: "test-worker",
    workRoot,
    limits: { memoryMb: 1024, cpus: 1, pids: 256 },
    statusPollMs: 500,
    afterRun: async ({ sessionId, workDir }) => {
      afterRuns.set(sessionId, fs.readdirSync(workDir));
      if (fs.existsSync(path.join(workDir, "hello.txt"))) afterRuns.get(sessionId)!.push(fs.readFileSync(path.join(workDir, "hello.txt"), "utf8"));
    },
    ...extra,
  };
}

const harness = agentRunHarness("dispatch-work-");
beforeAll(() => void ({ h, api, gemini, workRoot } = harness));

async function startSession(text: string, providerSlug = "claude") {
  const f = await makeWorkspace(h.db);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Scripted", description: "A scripted run." });
  const provider = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === providerSlug)!;
  const sealed = seal(keyRing, TOKEN);
  await upsertAgentConfig(h.db, {
    workspaceId: f.adminCtx.workspace.id,
    providerId: provider.id,
    patch: { maxConcurrentSessions: 10 },
  });
  // The connect flow (OAuth) stores these; here the test does it directly.
  await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: provider.slug, sealed });
  const { sessions } = await addComment(h.db, f.adminCtx, issue, { text }, { queue });
  const id = sessions[0]!.id;
  seen.set(id, []);
  events.emitter.on("entry", (e: LiveEntry) => e.kind === "session" && e.sessionId === id && seen.get(id)!.push(...e.events));
  return { ...f, issue, id };
}

const containersOf = async (id: string) => (await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${id}`] } })).length;

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a session run by the worker", () => {
  it("runs Gemini CLI too: a tool call writes the file, the answer and tokens are recorded", async () => {
    const { id, adminCtx } = await startSession("@gemini-pro [script:tool-write] please create hello.txt", "gemini");
    await runSession(deps(), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s).toMatchObject({ status: "completed", answer: "Done: I wrote hello.txt.", modelId: "gemini-2.5-pro", inputTokens: 2 * GEMINI_USAGE.promptTokenCount });
    expect(Number(s.costUsd)).toBeCloseTo((1800 * 1.25 + 80 * 10) / 1e6, 6);
    expect(afterRuns.get(id)).toEqual(["hello.txt", "hello from gemini\n"]);
    const log = await storedLog(id);
    expect(work(log)).toEqual(["text", "tool_call", "tool_result", "text", "usage", "done"]);
    expect(statuses(log)).toEqual([...RAN, "completed"]);
    expect(log.find((e) => e.type === "tool_result")).toMatchObject({ type: "tool_result", ok: true });
    const req = gemini.requests.find((r) => r.path.includes("streamGenerateContent"))!;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await containersOf(id)).toBe(0);
  });

  it("answers: events in order, tokens and cost recorded, the answer posted as a comment, nothing left behind", async () => {
    const { id, adminCtx, issue } = await startSession("@claude [script:plain] what is the answer?");
    await runSession(deps(), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s).toMatchObject({ status: "completed", answer: "The answer is **42**.", inputTokens: SCRIPT_USAGE.input_tokens, outputTokens: SCRIPT_USAGE.output_tokens, workerId: "test-worker" });
    // Claude Code's own figure for 1234 in / 56 out on Sonnet ($3/M, $15/M).
    expect(Number(s.costUsd)).toBeCloseTo(0.004542, 6);
    expect(s.cliSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.startedAt).toBeInstanceOf(Date);

    // Every change of the row is in the log, gapless; what was announced live is its tail, in order.
    const evs = await storedLog(id);
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1));
    expect(work(evs)).toEqual(["text", "usage", "done"]);
    expect(statuses(evs)).toEqual([...RAN, "completed"]);
    expect(evs.find((e) => e.type === "text")).toMatchObject({ type: "text", text: "The answer is **42**." });
    expect(evs.at(-1)).toMatchObject({ type: "done", status: "completed" });
    const live = seen.get(id)!;
    expect(live).toEqual(evs.slice(evs.length - live.length));

    const comments = await getComments(h.db, adminCtx, issue.id);
    const answer = comments.find((c) => c.authorSessionId === id);
    expect(answer?.bodyHtml).toBe("<p>The answer is <strong>42</strong>.</p>");

    // The model API saw the prompt built from the issue, and the credential the way Claude Code sends it.
    const req = api.requests.find((r) => JSON.stringify(r.body).includes("what is the answer"))!;
    expect(JSON.stringify(req.body)).toContain("issue WEB-1");
    expect(JSON.stringify(req.body)).toContain("Title: Scripted");
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);

    expect(await containersOf(id)).toBe(0);
    expect(fs.existsSync(path.join(workRoot, id))).toBe(false);
  });

  it("an agent that echoes its credential leaves [redacted] in the events, the answer and the comment", async () => {
    const { id, adminCtx, issue } = await startSession("@claude [script:echo-token] what token do you have?");
    await runSession(deps(), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("I was called with: Bearer [redacted]");
    const { sql } = await import("drizzle-orm");
    const stored = JSON.stringify(await h.db.execute(sql`select payload from agent_session_events where session_id = ${id}`));
    expect(stored).toContain("[redacted]");
    expect(stored).not.toContain(TOKEN);
    expect(JSON.stringify(seen.get(id))).not.toContain(TOKEN);
    const comment = (await getComments(h.db, adminCtx, issue.id)).find((c) => c.authorSessionId === id)!;
    expect(comment.bodyHtml).toBe("<p>I was called with: Bearer [redacted]</p>");
    // The upstream did receive the real token: the proxy added it.
    expect(api.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}` && JSON.stringify(r.body).includes("what token"))).toBe(true);
  });

  it("a provider opted out of the proxy (direct_network) gets the network and its token, and no socket", async () => {
    const { id, adminCtx } = await startSession("@claude [script:plain] go");
    const { sql } = await import("drizzle-orm");
    await h.db.execute(sql`update workspace_agent_configs set direct_network = true where workspace_id = ${adminCtx.workspace.id}`);
    const real = new DockerSandbox(docker);
    const seen: { spec: SandboxSpec; socket: boolean }[] = [];
    const recording: SandboxDriver = {
      imageExists: (image) => real.imageExists(image),
      list: () => real.list(),
      removeById: (cid) => real.removeById(cid),
      start: async (spec) => {
        seen.push({ spec, socket: fs.existsSync(path.join(spec.runDir, "api.sock")) });
        throw new Error("stopped before the container starts");
      },
    };
    await runSession(deps({ sandbox: recording }), id);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.spec.network).toBe("bridge");
    expect(seen[0]!.spec.env.CLAUDE_CODE_OAUTH_TOKEN).toBe(TOKEN);
    expect(seen[0]!.socket).toBe(false);
    expect((await getSessionOrThrow(h.db, adminCtx, id)).status).toBe("failed");
  });

  it("runs a tool call that writes a file in the checkout", async () => {
    const { id, adminCtx } = await startSession("@claude [script:tool-write] please create hello.txt");
    await runSession(deps(), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s).toMatchObject({ status: "completed", answer: "Done: I wrote hello.txt.", inputTokens: 2 * SCRIPT_USAGE.input_tokens });
    expect(afterRuns.get(id)).toEqual(["hello.txt", "hello from the agent\n"]);
    const log = await storedLog(id);
    expect(work(log)).toEqual(["text", "tool_call", "tool_result", "text", "usage", "done"]);
    expect(log.find((e) => e.type === "tool_call")).toMatchObject({ type: "tool_call", name: "Write", target: "/work/hello.txt" });
  });

  it("ends failed with the API's message when the model API fails", async () => {
    const { id, adminCtx } = await startSession("@claude [script:error] go");
    await runSession(deps(), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s.status).toBe("failed");
    expect(s.errorMessage).toContain("API Error: 500 Scripted overload");
    // The worker's proxy saw the API's 500: the failure is classified, and named once in the final comment.
    expect(s.errorCode).toBe("model_error");
    expect(s.errorMessage).toContain("Claude's API failed (HTTP 500)");
    expect(seen.get(id)!.at(-1)).toMatchObject({ type: "done", status: "failed", code: "model_error" });
  });

  it("times out a reply that never ends within timeout + 2 s, keeping what streamed", async () => {
    const { id, adminCtx } = await startSession("@claude [script:hang] go");
    const t0 = Date.now();
    await runSession(deps({ timeoutMsOverride: 4000 }), id);
    expect(Date.now() - t0).toBeLessThan(4000 + 2000 + 1500); // + container start and removal
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s.status).toBe("timed_out");
    expect(s.errorMessage).toMatch(/Timed out/);
    const log = await storedLog(id);
    expect(work(log)).toEqual(["done"]);
    expect(statuses(log).at(-1)).toBe("timed_out");
    expect(await containersOf(id)).toBe(0);
  });

  it("is hardened, holds no prompt in its config, and stops within 2 s when cancelled", async () => {
    const { id, adminCtx } = await startSession("@claude [script:hang] go");
    const running = runSession(deps(), id);
    await waitFor(() => getSessionOrThrow(h.db, adminCtx, id), (s) => s.status === "streaming");
    const [info] = await docker.listContainers({ filters: { label: [`${SESSION_LABEL}=${id}`] } });
    const c = await docker.getContainer(info!.Id).inspect();
    expect(c.Config.User).toBe("1000:1000");
    expect(c.Config.Labels).toMatchObject({ "dispatch.session": id, "dispatch.worker": "test-worker" });
    expect(c.HostConfig).toMatchObject({ NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], ReadonlyRootfs: true, PidsLimit: 256, Init: true });
    expect(c.HostConfig.Memory).toBe(1024 * 1024 * 1024);
    const config = JSON.stringify([c.Config.Env, c.Config.Cmd, c.Args, c.Path]);
    expect(config).not.toContain("script:hang");
    expect(config).not.toMatch(/DATABASE_URL|REDIS_URL|NEXTAUTH/);
    // No credential inside: the CLI holds a placeholder, the worker's proxy adds the real token.
    expect(JSON.stringify(c)).not.toContain(TOKEN);
    expect(c.Config.Env).toContain(`CLAUDE_CODE_OAUTH_TOKEN=${PROXY_CREDENTIAL}`);
    // No way out but the proxy: the model API's own address (loopback on this host) is unreachable from inside.
    const probe = spawnSync("docker", ["exec", info!.Id, "node", "-e", `fetch(${JSON.stringify(api.url)}).then(() => console.log("REACHED"), (e) => console.log("FAILED", e.cause?.code ?? e.message))`], { encoding: "utf8", timeout: 20_000 });
    expect(probe.stdout).toMatch(/^FAILED/);

    const t0 = Date.now();
    await cancelSession(h.db, adminCtx, id, { queue, signal: cancel });
    await running;
    expect(Date.now() - t0).toBeLessThan(2000 + 1000);
    expect((await getSessionOrThrow(h.db, adminCtx, id)).status).toBe("cancelled");
    expect(seen.get(id)!.at(-1)).toMatchObject({ type: "done", status: "cancelled" });
    expect(await containersOf(id)).toBe(0);
  });

  it("refuses to run when the agent image is missing, naming the command that builds it", async () => {
    const { id, adminCtx } = await startSession("@claude [script:plain] go");
    const real = new DockerSandbox(docker);
    const noImage = { imageExists: async () => false, start: real.start.bind(real), list: real.list.bind(real), removeById: real.removeById.bind(real) };
    await runSession(deps({ sandbox: noImage }), id);
    const s = await getSessionOrThrow(h.db, adminCtx, id);
    expect(s.status).toBe("failed");
    expect(s.errorCode).toBe("image_missing");
    expect(s.errorMessage).toBe("The agent image dispatch/agent-claude:latest is missing on the worker. An operator can build it with: npm run images");
    expect(await containersOf(id)).toBe(0);
  });

  it("skips a session cancelled before it was claimed, and a second delivery of one already claimed", async () => {
    const { id, adminCtx } = await startSession("@claude [script:plain] go");
    await cancelSession(h.db, adminCtx, id, { queue, signal: cancel });
    await runSession(deps(), id);
    expect((await getSessionOrThrow(h.db, adminCtx, id)).status).toBe("cancelled");
    // The cancel wrote the session's end; no worker status follows it.
    expect(statuses(await storedLog(id))).toEqual(["queued", "cancelled"]);
    expect(seen.get(id)!.map((e) => e.type)).toEqual(["status", "done"]);

    const second = await startSession("@claude [script:plain] go");
    await Promise.all([runSession(deps(), second.id), runSession(deps(), second.id)]);
    expect((await getSessionOrThrow(h.db, second.adminCtx, second.id)).status).toBe("completed");
    expect(seen.get(second.id)!.filter((e) => e.type === "done")).toHaveLength(1);
  });
});

import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SCRIPT_USAGE, SLOW_PIECES } from "../support/anthropic-api";
import { GEMINI_USAGE } from "../support/gemini-api";
import { connectProvider, modelApiRequests, readStream, waitForSession, type StreamEvent } from "./support/agents";
import { signUpAndIn, uniqueEmail, type ApiClient, type ApiResponse, type Json } from "./support/api-client";

// Agents end to end over HTTP: the production server's embedded worker runs the real Claude Code
// and Gemini CLI in the real agent images against the scripted model APIs of global-setup.ts.

const baseUrl = inject("baseUrl");
const anthropicApiUrl = inject("anthropicApiUrl");
const geminiApiUrl = inject("geminiApiUrl");
const docker = new Docker();

const tag = randomBytes(3).toString("hex");
const slug = `agents-${tag}`;
const ws = (rest = "") => `/api/workspaces/${slug}${rest}`;
// Shaped like `claude setup-token`'s output and a Google OAuth access token; the scripted APIs accept anything.
const CLAUDE_TOKEN = `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`;
const GEMINI_TOKEN = `ya29.a0${randomBytes(120).toString("base64url")}`;
const ISSUE_TITLE = `The answer is missing ${tag}`;

let admin: ApiClient;
let issueKey: string;

const expectStatus = (res: ApiResponse, status: number) => expect(res.status, JSON.stringify(res.body)).toBe(status);
const containersOf = async (sessionId: string) => docker.listContainers({ all: true, filters: { label: [`dispatch.session=${sessionId}`] } });
const textOf = (events: StreamEvent[]) =>
  events
    .filter((e) => e.event === "text")
    .map((e) => e.data.text as string)
    .join("");

/** The stream ended with `done` in this status (the message shows the whole event, error included). */
const expectDone = (events: StreamEvent[], status: string) =>
  expect(events.at(-1), JSON.stringify(events.at(-1))).toMatchObject({ event: "done", data: { type: "done", status } });

async function waitUntil<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** POST a comment on the issue; expects 201 and one pending session, and returns the session. */
async function comment(text: string): Promise<Json> {
  const res = await admin.post(ws(`/issues/${issueKey}/comments`), { text });
  expectStatus(res, 201);
  expect(res.body.sessions).toHaveLength(1);
  expect(res.body.sessions[0]).toMatchObject({ status: "pending", issue_id: res.body.comment.issue_id, trigger_comment_id: res.body.comment.id });
  return res.body.sessions[0];
}

const stream = (id: string, opts: Parameters<typeof readStream>[4] = {}) => readStream(baseUrl, admin.cookieHeader, slug, id, { timeoutMs: 90_000, ...opts });

beforeAll(async () => {
  // Agent runs need the engine and the images; say how to get them rather than fail forty seconds later.
  await docker.ping().catch((err: unknown) => {
    throw new Error(`Docker is not reachable (${String(err)}): run scripts/test-prerequisites.sh`);
  });
  for (const image of ["dispatch/agent-claude:latest", "dispatch/agent-gemini:latest"]) {
    await docker
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new Error(`The image ${image} is missing: run npm run images`);
      });
  }
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Agent Admin", email: uniqueEmail("agent-admin"), password: "correct horse battery" }));
  expectStatus(await admin.post("/api/workspaces", { name: `Agents ${tag}`, slug }), 201);
  expectStatus(await admin.post(ws("/projects"), { name: "Web", identifier: "web" }), 201);
  const issue = await admin.post(ws("/projects/WEB/issues"), { title: ISSUE_TITLE, description: "What is the answer to everything?" });
  expectStatus(issue, 201);
  issueKey = issue.body.issue.key;
});

describe("connecting a provider by pasted token", () => {
  it("refuses @claude before Claude is connected, writing nothing", async () => {
    const res = await admin.post(ws(`/issues/${issueKey}/comments`), { text: "@claude [script:plain] too early" });
    expectStatus(res, 409);
    expect(res.body.error.code).toBe("conflict:provider_not_connected");
    expect((await admin.get(ws(`/issues/${issueKey}/comments`))).body.comments).toEqual([]);
  });

  it("connects Claude with a claude setup-token; the token is never shown again", async () => {
    const body = await connectProvider(admin, slug, "claude", CLAUDE_TOKEN);
    expect(JSON.stringify(body)).not.toContain(CLAUDE_TOKEN);
    const config = await admin.get(ws("/agent/config"));
    expectStatus(config, 200);
    expect(config.body.providers.find((p: Json) => p.provider_slug === "claude")).toMatchObject({ connection_status: "connected" });
    expect(JSON.stringify(config.body)).not.toContain(CLAUDE_TOKEN.slice(13, 40));
    const providers = await admin.get(ws("/agent/providers"));
    expect(JSON.stringify(providers.body)).not.toContain(CLAUDE_TOKEN.slice(13, 40));
  });
});

describe("a Claude Code session started by a comment", () => {
  let sessionId: string;
  let full: StreamEvent[];

  it("streams status, the answer, usage and a final done over SSE", { timeout: 120_000 }, async () => {
    const session = await comment("@claude [script:plain] what is the answer?");
    sessionId = session.id;
    expect(session.model).toBe("claude-sonnet-4-6");

    const res = await stream(sessionId);
    expect(res.status).toBe(200);
    expect(res.contentType).toContain("text/event-stream");
    expect(res.ended).toBe("closed"); // the server ends the stream after done
    full = res.events;
    // Numbered 1..N without gaps, each event's id matching its seq.
    expect(full.map((e) => e.id)).toEqual(full.map((_, i) => String(i + 1)));
    expect(full.map((e) => e.data.seq)).toEqual(full.map((_, i) => i + 1));
    expect(full.every((e) => e.event === e.data.type)).toBe(true);

    const types = full.map((e) => e.event);
    expect(types[0]).toBe("status");
    expect(textOf(full)).toBe("The answer is **42**.");
    expect(full.find((e) => e.event === "usage")?.data).toMatchObject({ inputTokens: SCRIPT_USAGE.input_tokens, outputTokens: SCRIPT_USAGE.output_tokens });
    expect(types.indexOf("usage")).toBeGreaterThan(types.lastIndexOf("text"));
    expect(types.filter((t) => t === "done")).toHaveLength(1);
    expectDone(full, "completed");
    expect(JSON.stringify(full)).not.toContain(CLAUDE_TOKEN.slice(13, 40));
  });

  it("records tokens, cost, model and duration on the session", async () => {
    const s = await waitForSession(admin, slug, sessionId, ["completed"], 10_000);
    expect(s).toMatchObject({
      status: "completed",
      model: "claude-sonnet-4-6",
      response: "The answer is **42**.",
      input_tokens: SCRIPT_USAGE.input_tokens,
      output_tokens: SCRIPT_USAGE.output_tokens,
      error: null,
    });
    // Claude Code's own figure for 1234 in / 56 out on Sonnet ($3/M, $15/M).
    expect(s.cost_usd).toBeCloseTo(0.004542, 6);
    expect(s.duration_ms).toBeGreaterThan(0);
    expect(Date.parse(s.finished_at)).toBeGreaterThanOrEqual(Date.parse(s.started_at));
  });

  it("posts the answer as an agent-authored comment on the issue", async () => {
    const res = await admin.get(ws(`/issues/${issueKey}/comments`));
    expectStatus(res, 200);
    const answers = res.body.comments.filter((c: Json) => c.author.type === "agent" && c.author.session_id === sessionId);
    expect(answers).toHaveLength(1);
    expect(answers[0].body_html).toBe("<p>The answer is <strong>42</strong>.</p>");
  });

  it("sent the prompt built from the issue to the model API with the pasted token as the bearer credential", async () => {
    const requests = await modelApiRequests(anthropicApiUrl);
    const mine = requests.filter((r) => JSON.stringify(r.body).includes("what is the answer?") && JSON.stringify(r.body).includes(ISSUE_TITLE));
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine[0]!.body)).toContain(`## Issue ${issueKey}`);
    expect(JSON.stringify(mine[0]!.body)).toContain(`Title: ${ISSUE_TITLE}`);
    for (const r of mine) {
      expect(r.path).toMatch(/^\/v1\/messages/);
      expect(r.headers.authorization).toBe(`Bearer ${CLAUDE_TOKEN}`);
      expect(r.headers["x-api-key"]).toBeUndefined();
      expect(r.headers["anthropic-beta"]).toContain("oauth-2025-04-20"); // Claude Code marks it as an OAuth token, not an API key
    }
  });

  it("replays exactly the events after Last-Event-ID to a reconnecting client", async () => {
    for (const n of [1, 2, full.length - 1]) {
      const res = await stream(sessionId, { lastEventId: n });
      expect(res.status).toBe(200);
      expect(res.events).toEqual(full.slice(n));
    }
  });

  it("refuses to cancel a session that already ended with 409", async () => {
    const res = await admin.post(ws(`/agent/sessions/${sessionId}/cancel`));
    expectStatus(res, 409);
    expect((await waitForSession(admin, slug, sessionId, ["completed"], 1_000)).status).toBe("completed");
  });
});

describe("a slow Claude Code session", () => {
  it("a client that reconnects mid-run with Last-Event-ID gets the rest live, through done", { timeout: 120_000 }, async () => {
    const { id } = await comment("@claude [script:slow] tell me slowly");
    const first = await stream(id, { until: (e) => e.event === "status" });
    expect(first.ended).toBe("stopped");
    const seen = first.events.at(-1)!;
    const running = await waitForSession(admin, slug, id, ["running", "streaming", "completed"], 5_000);
    expect(running.status).not.toBe("completed"); // the slow answer takes ~9 s: still running now

    const rest = await stream(id, { lastEventId: seen.id! });
    expect(rest.events[0]!.id).toBe(String(Number(seen.id) + 1));
    expectDone(rest.events, "completed");
    // Together they are the stored log, exactly once each.
    expect([...first.events, ...rest.events]).toEqual((await stream(id)).events);
    expect(textOf(rest.events)).toBe(SLOW_PIECES.join(""));
    expect((await waitForSession(admin, slug, id, ["completed"], 5_000)).response).toBe(SLOW_PIECES.join(""));
  });

  it("cancelled mid-run ends cancelled, its stream ends with done cancelled, and its container is gone", { timeout: 120_000 }, async () => {
    const { id } = await comment("@claude [script:slow] take your time");
    await waitForSession(admin, slug, id, ["streaming"], 60_000);
    expect(await containersOf(id)).toHaveLength(1); // the run is in its container
    // The model API is mid-answer: the slow script takes ~9 s from here, any other one milliseconds.
    await waitUntil("the model API got no request for the slow session", () => modelApiRequests(anthropicApiUrl), (rs) => rs.some((r) => JSON.stringify(r.body).includes("take your time")), 30_000);
    await new Promise((r) => setTimeout(r, 1_000));

    const cancelled = await admin.post(ws(`/agent/sessions/${id}/cancel`));
    expectStatus(cancelled, 200);
    expect(cancelled.body.session.status).toBe("cancelled");

    const res = await stream(id, { timeoutMs: 30_000 });
    expectDone(res.events, "cancelled");
    expect(textOf(res.events)).not.toContain("Slow answer complete.");
    await waitUntil(`the container of session ${id} was not removed`, () => containersOf(id), (c) => c.length === 0, 5_000);

    const s = await waitForSession(admin, slug, id, ["cancelled"], 1_000);
    expect(s.finished_at).not.toBeNull();
    // Long enough for the slow answer to have finished had it not been stopped: still cancelled, no answer
    // posted — its one final comment says it was cancelled, and by whom.
    await new Promise((r) => setTimeout(r, 8_000));
    expect((await waitForSession(admin, slug, id, ["cancelled"], 1_000)).response).toBeNull();
    const comments = (await admin.get(ws(`/issues/${issueKey}/comments`))).body.comments;
    const finals = comments.filter((c: Json) => c.author.session_id === id);
    expect(finals).toHaveLength(1);
    expect(finals[0].body_html).toContain("Cancelled");
    expect(finals[0].body_html).not.toContain("Slow answer complete.");
  });
});

describe("a Gemini CLI session started by a comment", () => {
  it("connects Gemini with a pasted Google access token, answers over SSE, and the model API saw that token", { timeout: 120_000 }, async () => {
    const body = await connectProvider(admin, slug, "gemini", GEMINI_TOKEN);
    expect(JSON.stringify(body)).not.toContain(GEMINI_TOKEN);

    const { id, model } = await comment("@gemini [script:plain] what is the answer, Gemini?");
    expect(model).toBe("gemini-2.5-pro");
    const res = await stream(id);
    expect(res.events[0]?.event).toBe("status");
    expect(textOf(res.events)).toBe("The answer is **42**.");
    expectDone(res.events, "completed");

    const s = await waitForSession(admin, slug, id, ["completed"], 5_000);
    expect(s).toMatchObject({ input_tokens: GEMINI_USAGE.promptTokenCount, output_tokens: GEMINI_USAGE.candidatesTokenCount, response: "The answer is **42**." });
    expect(s.cost_usd).toBeCloseTo((900 * 1.25 + 40 * 10) / 1e6, 8);

    const generate = (await modelApiRequests(geminiApiUrl)).filter((r) => r.path.includes("streamGenerateContent") && JSON.stringify(r.body).includes("what is the answer, Gemini?"));
    expect(generate.length).toBeGreaterThan(0);
    for (const r of generate) expect(r.headers.authorization).toBe(`Bearer ${GEMINI_TOKEN}`);
  });
});

import { autorun, observable } from "mobx";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SequencedEvent } from "@/lib/sessions/events";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { AgentStore, emptyPicker, type AgentService } from "./agent.store";
import { nextFrame } from "./live/frame";
import { LiveClient, type EventSourceLike } from "./live/live-client";

/** Stands in for the browser's EventSource: records listeners, lets the test deliver frames. */
class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  private listeners = new Map<string, ((e: Event) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emitRaw(type: string, e: MessageEvent) {
    for (const fn of this.listeners.get(type) ?? []) fn(e);
  }
  fail(readyState: number) {
    this.readyState = readyState;
    for (const fn of this.listeners.get("error") ?? []) fn(new Event("error"));
  }
}

const frames: (() => void)[] = [];
const runFrame = () => frames.splice(0).forEach((f) => f());

beforeEach(() => {
  FakeEventSource.all = [];
  frames.length = 0;
});
afterEach(() => vi.useRealTimers());

const text = (seq: number, t: string): SequencedEvent => ({ seq, type: "text", text: t });

const ISSUE = "11111111-1111-4111-8111-111111111111";
const frameOf = (type: string, data: unknown) => ({ data: JSON.stringify(data) }) as MessageEvent;
const sessionMsg = (sessionId: string, event: SequencedEvent) => frameOf("session", { sessionId, issueId: ISSUE, event });

function emitKind(source: FakeEventSource, kind: string, data: unknown) {
  source.emitRaw(kind, frameOf(kind, data));
}

describe("LiveClient (one connection per tab)", () => {
  const client = () => new LiveClient("/live", (url) => new FakeEventSource(url), (fn) => fn(), 4000);

  it("opens one connection for every subscriber's topics, with each topic's smallest cursor", () => {
    const c = client();
    c.subscribe({ issues: [{ id: ISSUE, seq: 4 }], sessions: [{ id: "s1", issueId: ISSUE, seq: 0 }] }, () => {});
    c.subscribe({ issues: [{ id: ISSUE, seq: 2 }], sessions: [{ id: "s1", issueId: ISSUE, seq: 7 }], agents: true }, () => {});
    const open = FakeEventSource.all.filter((e) => !e.closed);
    expect(open).toHaveLength(1);
    const url = new URL(open[0]!.url, "http://x");
    expect(url.searchParams.getAll("issue")).toEqual([`${ISSUE}@2`]);
    expect(url.searchParams.getAll("session")).toEqual(["s1@0"]);
    expect(url.searchParams.get("agents")).toBe("1");
  });

  it("gives each subscriber only what it does not have, once, across a reconnect", () => {
    vi.useFakeTimers();
    const c = client();
    const a: number[] = [];
    const b: number[] = [];
    c.subscribe({ issues: [{ id: ISSUE, seq: 0 }], sessions: [{ id: "s1", issueId: ISSUE, seq: 0 }] }, (m) => m.kind === "session" && a.push(m.event.seq));
    c.subscribe({ issues: [{ id: ISSUE, seq: 0 }], sessions: [{ id: "s1", issueId: ISSUE, seq: 2 }] }, (m) => m.kind === "session" && b.push(m.event.seq));
    const first = FakeEventSource.all.at(-1)!;
    for (const seq of [1, 2, 3]) first.emitRaw("session", sessionMsg("s1", text(seq, "x")));
    first.fail(2);
    vi.advanceTimersByTime(250);
    const second = FakeEventSource.all.at(-1)!;
    expect(second).not.toBe(first);
    expect(new URL(second.url, "http://x").searchParams.getAll("session")).toEqual(["s1@3"]);
    // The server replays from the cursor; a repeat of 3 (overlap) is dropped.
    for (const seq of [3, 4]) second.emitRaw("session", sessionMsg("s1", text(seq, "x")));
    expect(a).toEqual([1, 2, 3, 4]);
    expect(b).toEqual([3, 4]);
  });

  it("routes comments and new sessions of the issue in order, and drops topics a subscriber does not follow", () => {
    const c = client();
    const got: string[] = [];
    c.subscribe({ issues: [{ id: ISSUE, seq: 1 }], sessions: [] }, (m) => m.kind === "activity" && got.push(`${m.seq}:${m.activity.type}`));
    const source = FakeEventSource.all.at(-1)!;
    emitKind(source, "activity", { issueId: ISSUE, seq: 1, type: "comment.created", refId: "c1", data: null });
    emitKind(source, "activity", { issueId: ISSUE, seq: 2, type: "comment.deleted", refId: "c1", data: { id: "c1" } });
    emitKind(source, "activity", { issueId: "22222222-2222-4222-8222-222222222222", seq: 3, type: "comment.created", refId: "c2", data: null });
    expect(got).toEqual(["2:comment.deleted"]);
  });

  it("closes the connection when the last subscriber leaves", () => {
    const c = client();
    const off = c.subscribe({ issues: [{ id: ISSUE, seq: 0 }], sessions: [] }, () => {});
    off();
    expect(FakeEventSource.all.every((e) => e.closed)).toBe(true);
  });
});

describe("live cards", () => {
  it("applies every card's batch of a frame in one MobX action, so the page re-renders once", async () => {
    const state = observable({ a: 0, b: 0 });
    let renders = 0;
    const stopAutorun = autorun(() => void (state.a + state.b, renders++));
    nextFrame(() => (state.a += 1));
    nextFrame(() => (state.b += 2));
    await new Promise((r) => setTimeout(r, 40)); // Node has no requestAnimationFrame: a 16 ms timer stands in
    expect(state).toEqual({ a: 1, b: 2 });
    expect(renders).toBe(2); // the first run, then one for the whole frame
    stopAutorun();
  });
});

const session = (id: string, status: TimelineSession["status"], over: Partial<TimelineSession> = {}): TimelineSession => ({
  id,
  triggerCommentId: "c1",
  parentSessionId: null,
  provider: { slug: "claude", name: "Claude", group: "Anthropic" },
  variant: { slug: "sonnet", name: "Claude Sonnet" },
  skill: null,
  model: "claude-sonnet-4-6",
  mode: "autonomous",
  status,
  error: null,
  answerHtml: null,
  branch: null,
  pullRequestUrl: null,
  filesChanged: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  mentionIndex: 0,
  createdAt: "2026-11-25T10:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe("AgentStore", () => {
  function store(service: Partial<AgentService> = {}) {
    return new AgentStore(
      {
        getSessionCard: async (_slug, id) => ({ ok: true, data: session(id, "completed", { finishedAt: "2026-11-25T10:01:00.000Z", answerHtml: "<p>42</p>" }) }),
        cancelSession: async (_slug, id) => ({ ok: true, data: session(id, "cancelled", { finishedAt: "2026-11-25T10:01:00.000Z" }) }),
        ...service,
      },
      { client: () => live, nextFrame: (fn) => frames.push(fn) },
    );
  }
  let live: LiveClient;
  beforeEach(() => {
    live = new LiveClient("/live", (url) => new FakeEventSource(url), (fn) => fn());
  });
  const hydrate = (s: AgentStore, sessions: TimelineSession[]) => s.hydrate({ slug: "acme", picker: emptyPicker, sessions, issue: { id: ISSUE, activitySeq: 0 } });

  it("follows the issue on one connection: running cards from their start, finished ones from their end", () => {
    const s = store();
    const sessions = [session("a", "running"), session("b", "completed", { finishedAt: "x", eventSeq: 40 }), session("c", "queued")];
    hydrate(s, sessions);
    hydrate(s, sessions);
    const open = FakeEventSource.all.filter((e) => !e.closed);
    expect(open).toHaveLength(1);
    expect(new URL(open[0]!.url, "http://x").searchParams.getAll("session")).toEqual(["a@0", "b@40", "c@0"]);
    s.dispose();
    expect(FakeEventSource.all.every((e) => e.closed)).toBe(true);
  });

  it("adds a card another member started, from the issue's activity", () => {
    const s = store();
    hydrate(s, []);
    emitKind(FakeEventSource.all.at(-1)!, "activity", { issueId: ISSUE, seq: 1, type: "session.created", refId: "n", data: session("n", "queued") });
    expect([...s.sessions.keys()]).toEqual(["n"]);
  });

  it("orders a comment's cards by mention, whatever order they arrive in", () => {
    const s = store();
    hydrate(s, [session("z-opus", "queued", { mentionIndex: 0 })]);
    const source = FakeEventSource.all.at(-1)!;
    // Live activity may announce a comment's sessions in any order; ids sort against mention order.
    emitKind(source, "activity", { issueId: ISSUE, seq: 1, type: "session.created", refId: "a-haiku", data: session("a-haiku", "queued", { mentionIndex: 2 }) });
    emitKind(source, "activity", { issueId: ISSUE, seq: 2, type: "session.created", refId: "m-sonnet", data: session("m-sonnet", "queued", { mentionIndex: 1 }) });
    s.addSessions([session("later", "queued", { createdAt: "2026-11-25T10:05:00.000Z" }), session("b-earlier", "queued", { createdAt: "2026-11-25T09:00:00.000Z" })]);
    expect(s.sessionsForComment("c1").map((m) => m.id)).toEqual(["b-earlier", "z-opus", "m-sonnet", "a-haiku", "later"]);
  });

  it("applies each frame's events in one batch and settles into the stored card after done", async () => {
    const s = store();
    hydrate(s, [session("a", "running")]);
    const source = FakeEventSource.all.at(-1)!;
    for (let i = 1; i <= 50; i++) source.emitRaw("session", sessionMsg("a", text(i, `${i} `)));
    runFrame();
    const model = s.sessions.get("a")!;
    expect(model.batches).toBe(1);
    expect(model.transcript.items).toEqual([{ kind: "text", text: Array.from({ length: 50 }, (_, i) => `${i + 1} `).join("") }]);
    source.emitRaw("session", sessionMsg("a", { seq: 51, type: "done", status: "completed", answer: "42" }));
    runFrame();
    await vi.waitFor(() => expect(model.session.answerHtml).toBe("<p>42</p>"));
    expect(model.status).toBe("completed");
  });

  it("cancel settles the card; a refused cancel keeps it", async () => {
    const s = store();
    hydrate(s, [session("a", "running")]);
    expect((await s.cancel("a")).ok).toBe(true);
    expect(s.sessions.get("a")!.status).toBe("cancelled");

    const refusing = store({ cancelSession: async () => ({ ok: false, error: { code: "conflict:session_finished", message: "This session already ended (completed)." } }) });
    hydrate(refusing, [session("b", "running")]);
    expect((await refusing.cancel("b")).ok).toBe(false);
    expect(refusing.sessions.get("b")!.status).toBe("running");
  });

  it("counts mode-bar agents plus agent mentions in the editor's document for the send button", () => {
    const s = store();
    s.hydrate({ slug: "acme", picker: { ...emptyPicker, providerSlugs: ["claude", "gemini"] }, sessions: [] });
    const doc = (...content: unknown[]) => ({ type: "doc", content: [{ type: "paragraph", content }] });
    const text = (t: string, code = false) => ({ type: "text", text: t, ...(code && { marks: [{ type: "code" }] }) });
    expect(s.countAgents(doc(text("@claude and @alice")))).toBe(1);
    // Code is never a mention, so the button does not promise an agent the server will not start.
    expect(s.countAgents(doc(text("run "), text("@gemini", true)))).toBe(0);
    expect(s.countAgents(null)).toBe(0);
    s.modeBar.add({ provider: "gemini", variant: "pro" });
    expect(s.countAgents(doc(text("@claude-opus:fix-bug please")))).toBe(2);
    s.modeBar.toggle();
    expect(s.countAgents(doc(text("@claude")))).toBe(1);
  });
});

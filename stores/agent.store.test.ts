import { autorun, observable } from "mobx";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SequencedEvent } from "@/lib/sessions/events";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { AgentStore, emptyPicker, type AgentService } from "./agent.store";
import { SessionStream, type EventSourceLike } from "./session-stream";

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
  emit(event: SequencedEvent) {
    for (const fn of this.listeners.get(event.type) ?? []) fn({ data: JSON.stringify(event) } as MessageEvent);
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

describe("SessionStream", () => {
  function stream(lastSeq = () => 0) {
    const batches: SequencedEvent[][] = [];
    const done = vi.fn();
    const s = new SessionStream({
      url: (n) => `/stream?after=${n}`,
      lastSeq,
      onEvents: (b) => batches.push(b),
      onDone: done,
      createEventSource: (url) => new FakeEventSource(url),
      nextFrame: (fn) => frames.push(fn),
    });
    s.start();
    return { s, batches, done, source: () => FakeEventSource.all.at(-1)! };
  }

  it("hands over everything that arrived within one frame as one batch", () => {
    const { batches, source } = stream();
    source().emit(text(1, "a"));
    source().emit(text(2, "b"));
    source().emit(text(3, "c"));
    expect(batches).toEqual([]);
    runFrame();
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[1, 2, 3]]);
  });

  it("closes on done at once (the browser would reconnect otherwise) and ends with the frame's one batch", () => {
    const { batches, done, source } = stream();
    source().emit(text(1, "a"));
    source().emit({ seq: 2, type: "done", status: "completed" });
    expect(source().closed).toBe(true);
    expect(done).not.toHaveBeenCalled();
    runFrame();
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[1, 2]]);
    expect(done).toHaveBeenCalledOnce();
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it("applies every stream's batch of a frame in one MobX action, so the page re-renders once", async () => {
    const state = observable({ a: 0, b: 0 });
    let renders = 0;
    const stopAutorun = autorun(() => void (state.a + state.b, renders++));
    const make = (key: "a" | "b") =>
      new SessionStream({
        url: () => "/s",
        lastSeq: () => 0,
        onEvents: (batch) => (state[key] += batch.length),
        onDone: () => {},
        createEventSource: (url) => new FakeEventSource(url),
      });
    make("a").start();
    make("b").start();
    const [one, two] = FakeEventSource.all;
    one!.emit(text(1, "x"));
    two!.emit(text(1, "y"));
    two!.emit(text(2, "z"));
    await new Promise((r) => setTimeout(r, 40)); // Node has no requestAnimationFrame: a 16 ms timer stands in
    expect(state).toEqual({ a: 1, b: 2 });
    expect(renders).toBe(2); // the first run, then one for the whole frame
    stopAutorun();
  });

  it("leaves a transient error to the browser's own retry, and reopens after the last event it has when the response failed", () => {
    vi.useFakeTimers();
    let last = 0;
    const { source } = stream(() => last);
    source().emit(text(1, "a"));
    runFrame();
    last = 1;
    source().fail(0); // CONNECTING: the browser retries with Last-Event-ID
    expect(FakeEventSource.all).toHaveLength(1);
    source().fail(2); // CLOSED: an HTTP error; we reopen
    vi.advanceTimersByTime(499);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    expect(source().url).toBe("/stream?after=1");
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
      { createEventSource: (url) => new FakeEventSource(url), nextFrame: (fn) => frames.push(fn) },
    );
  }

  it("opens one stream per active session and none for finished ones", () => {
    const s = store();
    s.hydrate({ slug: "acme", picker: emptyPicker, sessions: [session("a", "running"), session("b", "completed", { finishedAt: "x" }), session("c", "pending")] });
    expect(FakeEventSource.all.map((e) => e.url)).toEqual(["/api/workspaces/acme/agent/sessions/a/stream", "/api/workspaces/acme/agent/sessions/c/stream"]);
    s.hydrate({ slug: "acme", picker: emptyPicker, sessions: [session("a", "running"), session("b", "completed", { finishedAt: "x" }), session("c", "pending")] });
    expect(FakeEventSource.all).toHaveLength(2);
    s.dispose();
    expect(FakeEventSource.all.every((e) => e.closed)).toBe(true);
  });

  it("applies each frame's events in one batch and settles into the stored card after done", async () => {
    const s = store();
    s.hydrate({ slug: "acme", picker: emptyPicker, sessions: [session("a", "running")] });
    const source = FakeEventSource.all[0]!;
    for (let i = 1; i <= 50; i++) source.emit(text(i, `${i} `));
    runFrame();
    const model = s.sessions.get("a")!;
    expect(model.batches).toBe(1);
    expect(model.transcript.items).toEqual([{ kind: "text", text: Array.from({ length: 50 }, (_, i) => `${i + 1} `).join("") }]);
    source.emit({ seq: 51, type: "done", status: "completed", answer: "42" });
    runFrame();
    await vi.waitFor(() => expect(model.session.answerHtml).toBe("<p>42</p>"));
    expect(model.status).toBe("completed");
  });

  it("cancel settles the card and closes its stream; a refused cancel keeps it", async () => {
    const s = store();
    s.hydrate({ slug: "acme", picker: emptyPicker, sessions: [session("a", "running")] });
    expect((await s.cancel("a")).ok).toBe(true);
    expect(s.sessions.get("a")!.status).toBe("cancelled");
    expect(FakeEventSource.all[0]!.closed).toBe(true);

    const refusing = store({ cancelSession: async () => ({ ok: false, error: { code: "conflict:session_finished", message: "This session already ended (completed)." } }) });
    refusing.hydrate({ slug: "acme", picker: emptyPicker, sessions: [session("b", "running")] });
    expect((await refusing.cancel("b")).ok).toBe(false);
    expect(refusing.sessions.get("b")!.status).toBe("running");
  });

  it("counts mode-bar agents plus agent mentions in the text for the send button", () => {
    const s = store();
    s.hydrate({ slug: "acme", picker: { ...emptyPicker, providerSlugs: ["claude", "gemini"] }, sessions: [] });
    expect(s.countAgents("@claude and @alice")).toBe(1);
    s.modeBar.add({ provider: "gemini", variant: "pro" });
    expect(s.countAgents("@claude-opus:fix-bug please")).toBe(2);
    s.modeBar.toggle();
    expect(s.countAgents("@claude")).toBe(1);
  });
});

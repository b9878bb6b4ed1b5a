import { describe, expect, it } from "vitest";
import type { SequencedEvent, SessionEvent } from "./events";
import { MarkdownSequence } from "@/lib/markdown/incremental";
import { applyEvents, emptyTranscript, openRequests, withoutFinalError, type Transcript } from "./transcript";

const seq = (events: SessionEvent[], from = 1): SequencedEvent[] => events.map((e, i) => ({ ...e, seq: from + i }));

describe("applyEvents", () => {
  const run = seq([
    { type: "status", status: "running", message: "Container started" },
    { type: "text", text: "Let me " },
    { type: "text", text: "look." },
    { type: "tool_call", id: "t1", name: "Bash", target: "npm test", input: { command: "npm test" } },
    { type: "tool_result", id: "t1", ok: false, output: "1 failing" },
    { type: "text", text: "Fixed." },
    { type: "usage", inputTokens: 10, outputTokens: 5, costUsd: 0.01 },
    { type: "done", status: "completed", answer: "Fixed." },
  ]);

  it("joins text pieces, pairs tool results with their calls and records usage and the end", () => {
    const t = emptyTranscript();
    expect(applyEvents(t, run)).toBe(8);
    expect(t.items).toEqual([
      { kind: "text", text: "Let me look." },
      { kind: "tool", id: "t1", name: "Bash", target: "npm test", input: { command: "npm test" }, result: { ok: false, output: "1 failing" } },
      { kind: "text", text: "Fixed." },
    ]);
    expect(t.usage).toEqual({ inputTokens: 10, outputTokens: 5, costUsd: 0.01 });
    expect(t.done).toEqual({ status: "completed", error: null });
    expect(t.status).toBe("completed");
    expect(t.lastSeq).toBe(8);
  });

  it("applies a replay that overlaps what it already has exactly once", () => {
    const once = emptyTranscript();
    applyEvents(once, run);
    const twice = emptyTranscript();
    applyEvents(twice, run.slice(0, 5));
    expect(applyEvents(twice, run.slice(2))).toBe(3);
    expect(twice).toEqual(once);
  });

  const question = { kind: "question" as const, id: "q1", question: "Which database?", options: ["PostgreSQL", "Redis"], multiple: false, expiresAt: "2026-12-04T12:00:00.000Z" };
  const approval = { kind: "approval" as const, id: "a1", tool: "Bash", action: "rm -f notes.txt", rule: 'commands matching "rm" need approval', expiresAt: "2026-12-04T12:00:00.000Z" };

  it("keeps a question in its place among the run's items, open until it is answered, then with the answer, who and when", () => {
    const t = emptyTranscript();
    applyEvents(
      t,
      seq([
        { type: "text", text: "Before I start: " },
        { type: "status", status: "awaiting_input", message: "Asked a question" },
        { type: "request", request: question },
      ]),
    );
    expect(t.status).toBe("awaiting_input");
    expect(t.items).toEqual([
      { kind: "text", text: "Before I start: " },
      { kind: "request", request: question, resolution: null },
    ]);
    expect(openRequests(t.items).map((r) => r.request.id)).toEqual(["q1"]);

    applyEvents(
      t,
      seq(
        [
          { type: "request_resolved", id: "q1", status: "answered", answer: { kind: "question", choices: ["Redis"], text: null }, by: "Ada", at: "2026-12-04T11:01:00.000Z" },
          { type: "status", status: "streaming", message: "Answered by Ada" },
          { type: "text", text: "Redis it is." },
        ],
        4,
      ),
    );
    expect(t.status).toBe("streaming");
    expect(t.items).toEqual([
      { kind: "text", text: "Before I start: " },
      { kind: "request", request: question, resolution: { status: "answered", answer: { kind: "question", choices: ["Redis"], text: null }, by: "Ada", at: "2026-12-04T11:01:00.000Z" } },
      // Text after the answer is a new item: it does not join the text before the question.
      { kind: "text", text: "Redis it is." },
    ]);
    expect(openRequests(t.items)).toEqual([]);
  });

  it("resolves each request by its id, shows a repeated request once, and ignores the end of one it never saw", () => {
    const t = emptyTranscript();
    applyEvents(
      t,
      seq([
        { type: "request", request: question },
        { type: "request", request: approval },
        { type: "request", request: question },
        { type: "request_resolved", id: "a1", status: "answered", answer: { kind: "approval", decision: "rejected", reason: "keep it" }, by: "Ada", at: "2026-12-04T11:02:00.000Z" },
        { type: "request_resolved", id: "zz", status: "expired", answer: null, by: null, at: "2026-12-04T11:03:00.000Z" },
        { type: "request_resolved", id: "q1", status: "closed", answer: null, by: null, at: "2026-12-04T11:04:00.000Z" },
      ]),
    );
    expect(t.items).toEqual([
      { kind: "request", request: question, resolution: { status: "closed", answer: null, by: null, at: "2026-12-04T11:04:00.000Z" } },
      { kind: "request", request: approval, resolution: { status: "answered", answer: { kind: "approval", decision: "rejected", reason: "keep it" }, by: "Ada", at: "2026-12-04T11:02:00.000Z" } },
    ]);
  });
});

/** HTML to its words, as a page shows them (tags out, entities decoded, then runs of letters and digits). */
function wordsOfHtml(html: string): string[] {
  const text = html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(amp|lt|gt|quot|apos);/g, " ");
  return text.match(/[A-Za-z0-9]+/g) ?? [];
}

/** What a card shows: the items up to the sequence's frontier, text as its rendered view. */
function shownWords(t: Transcript, seq: MarkdownSequence): string[] {
  const words: string[] = [];
  t.items.slice(0, seq.frontier + 1).forEach((item, i) => {
    if (item.kind === "tool") words.push(`TOOL${item.id}`);
    if (item.kind !== "text") return;
    const v = seq.part(i).view();
    for (const html of [...v.blocks.slice(0, v.count), ...(v.tail === null ? [] : [v.tail])]) words.push(...wordsOfHtml(html));
  });
  return words;
}

/** Throws unless `shown` is `want` or (while `complete` is false) a beginning of it: every word once, in order. */
function expectBeginning(shown: string[], want: string[], complete: boolean) {
  const at = shown.findIndex((w, j) => want[j] !== w);
  if (at >= 0 || shown.length > want.length) throw new Error(`shown text differs at word ${at < 0 ? want.length : at}: "${shown.slice(at, at + 5).join(" ")}"`);
  if (complete && shown.length !== want.length) throw new Error(`${want.length - shown.length} words are missing from word ${shown.length} on`);
}

/**
 * An agent's answer in small pieces, like the timeline benchmark streams it: Markdown blocks
 * (paragraphs with bold and code, lists, headings, fenced code) cut into 20–60 character pieces,
 * each carrying a word of its own (`pc<n>`), and now and then a tool call between paragraphs.
 */
function floodEvents(count: number, seed: number): { events: SessionEvent[]; words: string[] } {
  let a = seed;
  const rand = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const vocab = "store event order card frame batch render block fence list tail stream page text".split(" ");
  const events: SessionEvent[] = [];
  let piece = "";
  let n = 0;
  const tokens = (): string[] => {
    const r = rand();
    if (r < 0.1) return ["```\n", ...Array.from({ length: 4 }, () => `const ${pick(vocab)} = ${pick(vocab)}();\n`), "```\n\n"];
    if (r < 0.3) return [...Array.from({ length: 3 }, () => `- ${pick(vocab)} **${pick(vocab)}** ${pick(vocab)}\n`), "\n"];
    if (r < 0.35) return [`## ${pick(vocab)} ${pick(vocab)}\n\n`];
    return [...Array.from({ length: 12 }, () => ` ${rand() < 0.1 ? `\`${pick(vocab)}\`` : pick(vocab)}`), ".\n\n"];
  };
  while (events.length < count) {
    for (const tok of tokens()) {
      piece += tok;
      if (piece.length < 20 + rand() * 40) continue;
      events.push({ type: "text", text: `${piece}${piece.endsWith("\n") ? "" : " "}pc${n++}\n` });
      piece = "";
    }
    if (piece) events.push({ type: "text", text: `${piece} pc${n++}\n\n` });
    piece = "";
    if (rand() < 0.1) {
      events.push({ type: "tool_call", id: `t${events.length}`, name: "Read", target: "a.ts", input: {} });
      events.push({ type: "tool_result", id: `t${events.length - 1}`, ok: true, output: "ok" });
    }
  }
  // Tool rows count as a word of their own: they too must come in order, after the text before them.
  const words = events.flatMap((e) => (e.type === "text" ? (e.text.match(/[A-Za-z0-9]+/g) ?? []) : e.type === "tool_call" ? [`TOOL${e.id}`] : []));
  return { events, words };
}

describe("a flood of text pieces", () => {
  it.each([
    ["large batches, a slice of work after each", 200, 500, 25],
    ["small batches that rendering often catches up with", 1, 20, 6],
  ])("shows every piece and tool row exactly once and in order, at every point: %s", { timeout: 60_000 }, (_, minBatch, batchSpread, maxSteps) => {
    const { events, words } = floodEvents(3000, 7);
    const pieces = words.filter((w) => /^pc\d+$/.test(w));
    expect(pieces.length).toBeGreaterThan(2000);
    const all = seq(events);
    const t = emptyTranscript();
    const md = new MarkdownSequence();
    let rand = 1;
    for (let at = 0; at < all.length; ) {
      const n = minBatch + ((rand = (rand * 48271) % 2147483647) % batchSpread); // one frame's batch
      applyEvents(t, all.slice(at, at + n));
      at += n;
      md.sync(t.items, (i) => (i.kind === "text" ? i.text : null));
      for (let s = rand % maxSteps; s > 0 && md.step(); s--); // a slice's worth of work
      expectBeginning(shownWords(t, md), words, false); // the store's batch alone changes nothing shown
      md.notify(); // the frame: a few more blocks are shown
      expectBeginning(shownWords(t, md), words, false);
    }
    md.flush();
    const shown = shownWords(t, md);
    expectBeginning(shown, words, true);
    expect(shown.filter((w) => /^pc\d+$/.test(w))).toEqual(pieces);
  });

  it("has a check that fails when a piece is missing, repeated or out of place", () => {
    const want = ["a", "b", "pc1", "c", "pc2"];
    expect(() => expectBeginning(["a", "b", "pc1"], want, false)).not.toThrow();
    expect(() => expectBeginning(["a", "b", "pc1"], want, true)).toThrow(/missing/);
    expect(() => expectBeginning(["a", "b", "c", "pc2"], want, false)).toThrow(/differs/);
    expect(() => expectBeginning(["a", "b", "pc1", "pc1", "c", "pc2"], want, true)).toThrow(/differs/);
  });
});

describe("withoutFinalError", () => {
  const apiError = "API Error: 500 Scripted overload: the model is unavailable.";
  // What the worker stores: the proxy's diagnosis with the CLI's own words in parentheses.
  const finalError = `Claude's model API answered 500. (${apiError})`;

  it("drops the error row and the CLI's echo of the error, so the banner holds the reason once", () => {
    const t = emptyTranscript();
    applyEvents(t, seq([{ type: "text", text: apiError }, { type: "error", message: `${apiError}\n` }, { type: "done", status: "failed", error: finalError }]));
    expect(t.items).toHaveLength(2);
    expect(withoutFinalError(t.items, finalError)).toEqual([]);
  });

  it("keeps the agent's own work and other errors, and cuts only an echo at the end of its text", () => {
    const t = emptyTranscript();
    applyEvents(t, seq([
      { type: "text", text: "I looked at the tests." },
      { type: "error", message: "Model API error, retrying (attempt 1)" },
      { type: "text", text: "Next, the fix." },
      { type: "text", text: `\n\n${apiError}` },
      { type: "error", message: apiError },
      { type: "text", text: "the model" },
    ]));
    expect(withoutFinalError(t.items, finalError)).toEqual([
      { kind: "text", text: "I looked at the tests." },
      { kind: "error", message: "Model API error, retrying (attempt 1)" },
      { kind: "text", text: "Next, the fix." },
      { kind: "text", text: "the model" }, // in the reason, but too short to call an echo
    ]);
    expect(withoutFinalError(t.items, null)).toEqual(t.items);
  });
});

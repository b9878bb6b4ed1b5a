import { describe, expect, it } from "vitest";
import type { SequencedEvent, SessionEvent } from "./events";
import { applyEvents, emptyTranscript, splitMarkdownBlocks } from "./transcript";

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
});

describe("splitMarkdownBlocks", () => {
  it("cuts at blank lines, never inside a code fence, and joins back to the same text", () => {
    const text = "Intro line\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- one\n\n  continued\n\nEnd";
    const blocks = splitMarkdownBlocks(text);
    expect(blocks).toEqual(["Intro line\n\n", "```js\nconst a = 1;\n\nconst b = 2;\n```\n\n", "- one\n\n  continued\n\n", "End"]);
    expect(blocks.join("")).toBe(text);
  });

  it("keeps an unclosed fence (text still streaming) in one block", () => {
    expect(splitMarkdownBlocks("a\n\n~~~\nx\n\ny")).toEqual(["a\n\n", "~~~\nx\n\ny"]);
  });
});

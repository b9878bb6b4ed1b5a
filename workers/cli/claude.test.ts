import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SessionEvent } from "@/lib/sessions/events";
import { createClaudeParser } from "./claude";

// Real output of Claude Code 2.1 against the scripted Messages API (tests/support/capture-claude-fixtures.ts).
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8").split("\n");

function run(lines: string[]) {
  const parser = createClaudeParser();
  const events: SessionEvent[] = lines.flatMap((l) => parser.stdout(l));
  return { events, result: parser.result(), sessionId: parser.cliSessionId() };
}

describe("Claude Code adapter", () => {
  it("streams text deltas from partial messages and skips the whole block that repeats them", () => {
    const se = (event: unknown) => JSON.stringify({ type: "stream_event", event, session_id: "s" });
    const start = (type: string) => se({ type: "content_block_start", index: 0, content_block: { type } });
    const delta = (text: string) => se({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
    const assistant = (block: unknown) => JSON.stringify({ type: "assistant", message: { content: [block] } });
    const lines = [
      start("text"), delta("Let me "), delta("look."), assistant({ type: "text", text: "Let me look." }),
      start("text"), delta("Second block."), assistant({ type: "text", text: "Second block." }),
      start("tool_use"), se({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{}" } }),
      assistant({ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }),
      start("text"), delta("Done."), assistant({ type: "text", text: "Done." }),
    ];
    const { events } = run(lines);
    expect(events.map((e) => (e.type === "text" ? e.text : e.type))).toEqual(["Let me ", "look.", "\n\nSecond block.", "tool_call", "Done."]);
  });

  it("separates whole text blocks in a row by a paragraph break, so joined pieces read as Markdown", () => {
    const assistant = (...texts: string[]) => JSON.stringify({ type: "assistant", message: { content: texts.map((text) => ({ type: "text", text })) } });
    const tool = JSON.stringify({ type: "assistant", message: { content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] } });
    const { events } = run([assistant("First."), assistant("Second.", "Third."), tool, assistant("After the tool.")]);
    expect(events.filter((e) => e.type === "text").map((e) => (e as { text: string }).text)).toEqual(["First.", "\n\nSecond.", "\n\nThird.", "After the tool."]);
  });

  it("turns a plain answer into status, text and usage, and reads the result", () => {
    const { events, result } = run(fixture("claude-plain.jsonl"));
    expect(events).toEqual([
      { type: "status", status: "streaming", message: "Model claude-sonnet-4-6" },
      { type: "text", text: "The answer is **42**." },
      { type: "usage", inputTokens: 1234, outputTokens: 56, costUsd: 0.004542000000000001 },
    ]);
    expect(result).toEqual({
      answer: "The answer is **42**.",
      cliSessionId: "58e33a31-654a-4382-acbf-223916c2b82f",
      inputTokens: 1234,
      outputTokens: 56,
      costUsd: 0.004542000000000001,
      isError: false,
      errorMessage: null,
    });
  });

  it("reports the tool call with its target file and the tool's result", () => {
    const { events, result } = run(fixture("claude-tool-write.jsonl"));
    expect(events.map((e) => e.type)).toEqual(["status", "text", "tool_call", "tool_result", "text", "usage"]);
    expect(events[2]).toMatchObject({ type: "tool_call", id: "toolu_01Scripted", name: "Write", target: "/tmp/ccwork-X7vmLk/hello.txt" });
    expect(events[3]).toMatchObject({ type: "tool_result", id: "toolu_01Scripted", ok: true, output: expect.stringContaining("File created successfully") });
    expect(result).toMatchObject({ answer: "Done: I wrote hello.txt.", inputTokens: 2468, outputTokens: 112, costUsd: 0.009084000000000002 });
  });

  it("reads an API error as an error, though the CLI says subtype success", () => {
    const { events, result } = run(fixture("claude-error.jsonl"));
    expect(result).toMatchObject({ isError: true, answer: null });
    expect(result?.errorMessage).toContain("API Error: 500 Scripted overload");
    expect(events.at(-1)).toMatchObject({ type: "error", message: expect.stringContaining("API Error: 500") });
  });

  it("keeps going through malformed, truncated and non-JSON lines", () => {
    const lines = fixture("claude-tool-write.jsonl");
    const truncated = lines[2]!.slice(0, 120);
    const { events, result, sessionId } = run([lines[0]!, "Warning: something odd", truncated, '{"type":"assistant","message":null}', "[1,2]", "", lines[5]!]);
    expect(events).toEqual([
      { type: "status", status: "streaming", message: "Model claude-sonnet-4-6" },
      { type: "text", text: "Warning: something odd" },
      { type: "text", text: truncated },
      { type: "text", text: "[1,2]" },
      { type: "text", text: "Done: I wrote hello.txt." },
    ]);
    expect(result).toBeNull(); // killed before its result line
    expect(sessionId).toBe("f28d6b62-bcd9-47dd-8433-551ea55c3d9b");
  });

  it("turns stderr lines into error events", () => {
    expect(createClaudeParser().stderr("Error: boom")).toEqual([{ type: "error", message: "Error: boom" }]);
  });
});

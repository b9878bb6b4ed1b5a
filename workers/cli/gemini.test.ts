import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SessionEvent } from "@/lib/sessions/events";
import { createGeminiParser } from "./gemini";

// Real output of Gemini CLI 0.61 against the scripted Code Assist API (tests/support/gemini-api.ts).
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8").split("\n");

function run(lines: string[]) {
  const parser = createGeminiParser();
  const events: SessionEvent[] = lines.flatMap((l) => parser.stdout(l));
  return { events, result: parser.result(), sessionId: parser.cliSessionId() };
}

describe("Gemini CLI adapter", () => {
  it("turns a plain answer into status, text and usage; the user's echo is not output", () => {
    const { events, result } = run(fixture("gemini-plain.jsonl"));
    expect(events).toEqual([
      { type: "status", status: "streaming", message: "Model gemini-2.5-pro" },
      { type: "text", text: "The answer is **42**." },
      { type: "usage", inputTokens: 900, outputTokens: 40, costUsd: 0.001525 },
    ]);
    expect(result).toEqual({
      answer: "The answer is **42**.",
      cliSessionId: "0a967732-e8df-48bd-99e8-950e7e3debd7",
      inputTokens: 900,
      outputTokens: 40,
      costUsd: 0.001525, // 900 × $1.25/M + 40 × $10/M
      isError: false,
      errorMessage: null,
    });
  });

  it("reports a tool call with its target and a refused tool result, and answers with the text after it", () => {
    const { events, result } = run(fixture("gemini-tool-write.jsonl"));
    expect(events.map((e) => e.type)).toEqual(["status", "text", "tool_call", "tool_result", "text", "usage"]);
    expect(events[2]).toMatchObject({ type: "tool_call", name: "write_file", target: "/work/hello.txt" });
    expect(events[3]).toMatchObject({ type: "tool_result", ok: false, output: expect.stringContaining("Path not in workspace") });
    expect(result).toMatchObject({ answer: "Done: I wrote hello.txt.", inputTokens: 1800, outputTokens: 80 });
  });

  it("reads an API error from the result line", () => {
    const { result, events } = run(fixture("gemini-error.jsonl"));
    expect(result).toMatchObject({ isError: true, answer: null });
    expect(result?.errorMessage).toContain("Scripted overload");
    expect(events.at(-1)?.type).toBe("error");
  });

  it("keeps going through malformed and truncated lines", () => {
    const lines = fixture("gemini-plain.jsonl");
    const { events, result } = run([lines[0]!, lines[2]!.slice(0, 50), "not json", '{"type":"message","role":"assistant"}', lines[2]!]);
    expect(events.map((e) => e.type)).toEqual(["status", "text", "text", "text"]);
    expect(result).toBeNull();
  });

  it("ignores stderr chatter but reports errors", () => {
    const p = createGeminiParser();
    expect(p.stderr("YOLO mode is enabled. All tool calls will be automatically approved.")).toEqual([]);
    expect(p.stderr("    errorRedactor: [Function: defaultErrorRedactor],")).toEqual([]);
    expect(p.stderr("Error: authentication failed")).toEqual([{ type: "error", message: "Error: authentication failed" }]);
  });
});

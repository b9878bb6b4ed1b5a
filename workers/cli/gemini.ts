import { clip, type SessionEvent } from "@/lib/sessions/events";
import { neverThrows, parseJsonLine, toolTarget, type CliOutputParser, type CliResult } from "./types";

/** USD per million tokens (input, output), list prices; Gemini CLI reports tokens but no cost. */
export const GEMINI_PRICES: Record<string, [number, number]> = {
  "gemini-2.5-pro": [1.25, 10],
  "gemini-2.5-flash": [0.3, 2.5],
  "gemini-2.0-flash": [0.1, 0.4],
};

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * Gemini CLI `--output-format stream-json`: `init` (the only line with the session id),
 * assistant `message` pieces (`delta: true`, joined into the answer), `tool_use`, `tool_result`,
 * and a final `result` with token stats. It reports no cost: that is computed from list prices.
 */
export function createGeminiParser(): CliOutputParser {
  let sessionId: string | null = null;
  let model: string | null = null;
  let result: CliResult | null = null;
  // The answer is the assistant text after the last tool call.
  let answer = "";

  const stdout = (line: string): SessionEvent[] => {
    if (!line.trim()) return [];
    const msg = parseJsonLine(line);
    if (!msg) return [{ type: "text", text: line }];
    switch (msg.type) {
      case "init":
        sessionId = str(msg.session_id) ?? sessionId;
        model = str(msg.model) ?? model;
        return [{ type: "status", status: "streaming", message: `Model ${model ?? "unknown"}` }];
      case "message": {
        const text = str(msg.content);
        if (msg.role !== "assistant" || !text) return [];
        answer += text;
        return [{ type: "text", text }];
      }
      case "tool_use":
        answer = "";
        return [{ type: "tool_call", id: str(msg.tool_id) ?? "", name: str(msg.tool_name) ?? "tool", target: toolTarget(msg.parameters), input: msg.parameters ?? {} }];
      case "tool_result": {
        const err = (msg.error ?? null) as { message?: unknown } | null;
        const output = str(msg.output) ?? str(err?.message) ?? "";
        return [{ type: "tool_result", id: str(msg.tool_id) ?? "", ok: msg.status === "success", output: clip(output) }];
      }
      case "result": {
        const stats = (msg.stats ?? {}) as Record<string, unknown>;
        const isError = msg.status !== "success";
        const errMsg = str((msg.error as { message?: unknown } | undefined)?.message);
        const price = model ? GEMINI_PRICES[model] : undefined;
        const [inTok, outTok] = [num(stats.input_tokens), num(stats.output_tokens)];
        result = {
          answer: isError ? null : answer,
          cliSessionId: sessionId,
          inputTokens: inTok,
          outputTokens: outTok,
          costUsd: price && inTok !== null && outTok !== null ? (inTok * price[0] + outTok * price[1]) / 1e6 : null,
          isError,
          errorMessage: isError ? (errMsg ?? "Gemini CLI reported an error.") : null,
        };
        const events: SessionEvent[] = [
          { type: "usage", inputTokens: result.inputTokens ?? 0, outputTokens: result.outputTokens ?? 0, ...(result.costUsd !== null ? { costUsd: result.costUsd } : {}) },
        ];
        if (isError) events.push({ type: "error", message: result.errorMessage! });
        return events;
      }
      default:
        return [];
    }
  };

  return {
    stdout: neverThrows(stdout),
    // Gemini CLI chats on stderr (colour warnings, "YOLO mode", multi-line dumps of HTTP error
    // objects): only lines that start like an error message count.
    stderr: (line) => (/^\s*(\[?(API )?Error\b|FatalError|Fatal\b)/i.test(line) ? [{ type: "error", message: line }] : []),
    result: () => result,
    cliSessionId: () => sessionId,
  };
}

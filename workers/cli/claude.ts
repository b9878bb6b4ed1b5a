import { clip, type SessionEvent } from "@/lib/sessions/events";
import { neverThrows, parseJsonLine, toolTarget, type CliOutputParser, type CliResult } from "./types";

type Block = { type?: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; content?: unknown; is_error?: boolean };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function flattenContent(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((c: Block) => (c?.type === "text" ? (c.text ?? "") : "")).join("");
}

/**
 * Claude Code `--output-format stream-json --verbose --include-partial-messages`: text deltas as
 * `stream_event` lines (then the whole block again, skipped), `system/init`, `assistant` and `user`
 * messages one content block per line, and a final `result` with the answer, tokens and cost.
 */
export function createClaudeParser(): CliOutputParser {
  let sessionId: string | null = null;
  let result: CliResult | null = null;
  // Claude Code sends whole text blocks; text events are pieces joined verbatim, so blocks get a paragraph break.
  let lastWasText = false;
  // With --include-partial-messages the block's text already went out as deltas: its whole copy is skipped.
  let streamedBlock = false;

  const stdout = (line: string): SessionEvent[] => {
    if (!line.trim()) return [];
    const msg = parseJsonLine(line);
    if (!msg) return [{ type: "text", text: line }];
    sessionId = str(msg.session_id) ?? sessionId;
    const events: SessionEvent[] = [];
    switch (msg.type) {
      case "system":
        if (msg.subtype === "init") events.push({ type: "status", status: "streaming", message: `Model ${str(msg.model) ?? "unknown"}` });
        else if (msg.subtype === "api_retry") events.push({ type: "error", message: `Model API error, retrying${num(msg.attempt) ? ` (attempt ${msg.attempt})` : ""}` });
        break;
      case "assistant":
      case "user": {
        const content = (msg.message as { content?: unknown } | undefined)?.content;
        for (const b of Array.isArray(content) ? (content as Block[]) : []) {
          if (!b || typeof b !== "object") continue;
          if (b.type === "text") {
            if (msg.type === "assistant" && b.text && !streamedBlock) events.push({ type: "text", text: lastWasText ? `\n\n${b.text}` : b.text });
            lastWasText ||= msg.type === "assistant" && !!b.text;
            streamedBlock = false;
            continue;
          }
          lastWasText = false;
          if (b.type === "thinking" && b.thinking) events.push({ type: "thought", text: b.thinking });
          else if (b.type === "tool_use") events.push({ type: "tool_call", id: b.id ?? "", name: b.name ?? "tool", target: toolTarget(b.input), input: b.input ?? {} });
          else if (b.type === "tool_result") events.push({ type: "tool_result", id: b.tool_use_id ?? "", ok: !b.is_error, output: clip(flattenContent(b.content)) });
        }
        break;
      }
      case "result": {
        const usage = (msg.usage ?? {}) as Record<string, unknown>;
        const input = [usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens].reduce<number>((a, v) => a + (num(v) ?? 0), 0);
        const isError = msg.is_error === true || (msg.subtype !== "success" && msg.subtype !== undefined);
        const text = str(msg.result);
        result = {
          answer: isError ? null : text,
          cliSessionId: sessionId,
          inputTokens: input,
          outputTokens: num(usage.output_tokens),
          costUsd: num(msg.total_cost_usd),
          isError,
          errorMessage: isError ? (text ?? `Claude Code stopped: ${str(msg.subtype) ?? "error"}`) : null,
        };
        events.push({ type: "usage", inputTokens: result.inputTokens ?? 0, outputTokens: result.outputTokens ?? 0, costUsd: result.costUsd ?? undefined });
        if (isError) events.push({ type: "error", message: result.errorMessage! });
        break;
      }
      case "stream_event": {
        const ev = (msg.event ?? {}) as { type?: string; content_block?: { type?: string }; delta?: { type?: string; text?: string } };
        if (ev.type === "content_block_start" && ev.content_block?.type === "text") streamedBlock = false;
        if (ev.type === "content_block_delta" && ev.delta?.type === "text_delta" && ev.delta.text) {
          events.push({ type: "text", text: lastWasText && !streamedBlock ? `\n\n${ev.delta.text}` : ev.delta.text });
          streamedBlock = true;
          lastWasText = true;
        }
        break;
      }
      default:
        // rate_limit_event and future line types carry nothing for the timeline.
        break;
    }
    return events;
  };

  return {
    stdout: neverThrows(stdout),
    stderr: (line) => (line.trim() ? [{ type: "error", message: line }] : []),
    result: () => result,
    cliSessionId: () => sessionId,
  };
}

/**
 * A stand-in for Anthropic's Messages API (the service lives outside this machine). It speaks
 * the real wire protocol Claude Code uses — POST /v1/messages with SSE streaming, or plain JSON
 * — and plays a script chosen from the request: the last marker `[script:NAME]` in the
 * conversation (the prompt ends with the request; earlier comments on the issue may hold others).
 *   plain       one text answer
 *   tool-write  a Write tool call creating <cwd>/hello.txt, then a final answer
 *   error       a 500 with an Anthropic-style error body
 *   hang        starts a stream and never finishes it
 *   steady      the slow answer at 400 ms a piece (about 25 s): long enough to disturb a run midway
 *   slow        one answer streamed as 61 text deltas, one every 150 ms (~9 s): "Line N of the slow
 *               answer.\n\n" for N = 1..60, then "Slow answer complete." — for watching a run
 *               mid-stream, cancelling it, or reloading the page during it
 *   echo-token  answers "I was called with: <the Authorization header it received>"
 *   long        one answer streamed as 401 short deltas a few ms apart: "Token N. " for N = 1..400,
 *               then "Long answer complete." — for streaming volume
 *   ask         calls the dispatch MCP server's ask_team ("Which database should the cache use?",
 *               options PostgreSQL / Redis), then answers "The member said: <the tool's result>";
 *               resumed after its worker stopped, it answers "Resumed: <the new request>"
 *   ask-many    the same with a multiple-choice question (Chrome / Firefox / Safari)
 *   approve-rm  runs `rm -f notes.txt` with Bash (an approval policy may stop it), then answers
 *               "Bash said: <the tool's result>" — so the test sees what the agent was told
 * Test-only: GET /__requests answers the requests received so far as JSON
 * (`{ requests: [{ path, headers, body }] }`), for tests that run the stand-in in another process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

type Block = { type: string; text?: string; content?: unknown; tool_use_id?: string; is_error?: boolean };
type Message = { role: string; content: string | Block[] };
type Body = { model?: string; stream?: boolean; messages?: Message[]; tools?: { name: string }[]; system?: unknown };

export const SCRIPT_USAGE = { input_tokens: 1234, output_tokens: 56 };

export type ModelApi = { url: string; requests: { path: string; headers: http.IncomingHttpHeaders; body: Body }[]; close: () => Promise<void> };

function textOf(content: Message["content"] | unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: Block) => (b.type === "text" ? (b.text ?? "") : b.type === "tool_result" ? textOf(b.content) : "")).join("\n");
}

/** The last marker wins: the prompt ends with the request, after earlier comments that may hold markers of their own. */
export function lastScript(text: string): string | undefined {
  return [...text.matchAll(/\[script:([a-z-]+)\]/g)].at(-1)?.[1];
}

function pickScript(body: Body): string {
  return lastScript((body.messages ?? []).map((m) => textOf(m.content)).join("\n")) ?? lastScript(JSON.stringify(body.system ?? "")) ?? "plain";
}

function cwdOf(body: Body): string {
  const sys = JSON.stringify(body.system ?? "") + (body.messages ?? []).map((m) => textOf(m.content)).join("\n");
  return /Working directory: ([^\s"\\]+)/.exec(sys)?.[1] ?? "/work";
}

type TextBlock = { type: "text"; text: string; /** Streamed as these deltas, `paceMs` apart (default: one delta, at once). */ pieces?: string[] };
type Reply = { content: (TextBlock | { type: "tool_use"; id: string; name: string; input: unknown })[]; stop: string; paceMs?: number };

/** A text block streamed piece by piece. */
function paced(pieces: string[], paceMs: number): Reply {
  return { content: [{ type: "text", text: pieces.join(""), pieces }], stop: "end_turn", paceMs };
}

export const SLOW_PIECES = [...Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of the slow answer.\n\n`), "Slow answer complete."];
export const LONG_PIECES = [...Array.from({ length: 400 }, (_, i) => `Token ${i + 1}. `), "Long answer complete."];

let toolCalls = 0;
/** Each call its own id, as the real API gives them: a follow-up's resumed conversation holds the earlier ones. */
const uniqueToolId = (what: string) => `toolu_01${what}${++toolCalls}`;

function reply(body: Body, headers: http.IncomingHttpHeaders = {}): Reply | "error" | "hang" {
  const script = pickScript(body);
  const last = body.messages?.at(-1);
  const afterTool = Array.isArray(last?.content) && last.content.some((b) => b.type === "tool_result");
  const offersTools = (body.tools?.length ?? 0) > 0;
  if (!offersTools) return { content: [{ type: "text", text: "Scripted title" }], stop: "end_turn" };
  if (script === "error") return "error";
  if (script === "hang") return "hang";
  if (script === "slow") return paced(SLOW_PIECES, 150);
  if (script === "steady") return paced(SLOW_PIECES, 400);
  if (script === "long") return paced(LONG_PIECES, 3);
  // A misbehaving agent: repeats the credential it was called with, as a secret-leak test needs.
  if (script === "echo-token") return { content: [{ type: "text", text: `I was called with: ${String(headers.authorization ?? "nothing")}` }], stop: "end_turn" };
  const toolResult = Array.isArray(last?.content) ? last.content.find((b) => b.type === "tool_result") : undefined;
  if (script === "ask" || script === "ask-many") {
    const tool = body.tools?.find((t) => t.name.endsWith("ask_team"))?.name;
    if (!tool) return { content: [{ type: "text", text: "No ask_team tool was offered." }], stop: "end_turn" };
    if (afterTool) return { content: [{ type: "text", text: `The member said: ${textOf(toolResult?.content)}` }], stop: "end_turn" };
    // A run resumed after its worker stopped mid-wait gets the answer in its new request.
    const resumed = textOf(last?.content);
    if (/Your previous run (of this task )?stopped while it waited/.test(resumed)) return { content: [{ type: "text", text: `Resumed: ${resumed.replace(/\s+/g, " ")}` }], stop: "end_turn" };
    const input =
      script === "ask"
        ? { question: "Which database should the cache use?", options: ["PostgreSQL", "Redis"] }
        : { question: "Which browsers must the fix support?", options: ["Chrome", "Firefox", "Safari"], multiple: true };
    return { content: [{ type: "text", text: "I need a decision first." }, { type: "tool_use", id: uniqueToolId("Ask"), name: tool, input }], stop: "tool_use" };
  }
  if (script === "approve-rm") {
    if (afterTool) return { content: [{ type: "text", text: `Bash said${toolResult?.is_error ? " (error)" : ""}: ${textOf(toolResult?.content)}` }], stop: "end_turn" };
    return { content: [{ type: "tool_use", id: uniqueToolId("Remove"), name: "Bash", input: { command: "rm -f notes.txt", description: "Remove the notes" } }], stop: "tool_use" };
  }
  // tool-write writes hello.txt; tool-write-second (a follow-up) writes second.txt.
  const file = script === "tool-write" ? "hello.txt" : script === "tool-write-second" ? "second.txt" : null;
  if (file && !afterTool) {
    return {
      content: [
        { type: "text", text: "I will write the file." },
        { type: "tool_use", id: `toolu_01Scripted${file === "hello.txt" ? "" : "Second"}`, name: "Write", input: { file_path: `${cwdOf(body)}/${file}`, content: file === "hello.txt" ? "hello from the agent\n" : "second change\n" } },
      ],
      stop: "tool_use",
    };
  }
  return { content: [{ type: "text", text: afterTool ? `Done: I wrote ${file ?? "hello.txt"}.` : "The answer is **42**." }], stop: "end_turn" };
}

function sse(res: http.ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reply's blocks as SSE; paced pieces wait between deltas and stop when the client has gone (a cancelled run). */
async function streamBlocks(res: http.ServerResponse, r: Reply) {
  let gone = false;
  res.once("close", () => (gone = true));
  for (const [index, block] of r.content.entries()) {
    if (block.type === "text") {
      sse(res, "content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const [i, text] of (block.pieces ?? [block.text]).entries()) {
        if (i > 0 && r.paceMs) await sleep(r.paceMs);
        if (gone) return;
        sse(res, "content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text } });
      }
    } else {
      sse(res, "content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
      sse(res, "content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    }
    sse(res, "content_block_stop", { type: "content_block_stop", index });
  }
  sse(res, "message_delta", { type: "message_delta", delta: { stop_reason: r.stop, stop_sequence: null }, usage: { output_tokens: SCRIPT_USAGE.output_tokens } });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

export async function startAnthropicApi(): Promise<ModelApi> {
  const requests: ModelApi["requests"] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__requests") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ requests }));
    }
    if (req.method === "HEAD" || req.method === "GET") return res.end();
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      let body: Body = {};
      try {
        body = JSON.parse(raw) as Body;
      } catch {
        /* an unparsable body gets the plain script */
      }
      requests.push({ path: req.url ?? "", headers: req.headers, body });
      if (!(req.url ?? "").startsWith("/v1/messages")) {
        res.writeHead(404, { "content-type": "application/json" });
        return res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "not found" } }));
      }
      const r = reply(body, req.headers);
      const id = `msg_${requests.length}`;
      const model = body.model ?? "claude-sonnet-4-6";
      if (r === "error") {
        res.writeHead(500, { "content-type": "application/json" });
        return res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: "Scripted overload: the model is unavailable" } }));
      }
      if (!body.stream && r !== "hang") {
        const content = r.content.map((b) => (b.type === "text" ? { type: "text", text: b.text } : b));
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ id, type: "message", role: "assistant", model, content, stop_reason: r.stop, usage: SCRIPT_USAGE }));
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      open.add(res);
      res.on("close", () => open.delete(res));
      sse(res, "message_start", {
        type: "message_start",
        message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, usage: { input_tokens: SCRIPT_USAGE.input_tokens, output_tokens: 1 } },
      });
      if (r === "hang") return sse(res, "content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
      void streamBlocks(res, r).then(() => open.delete(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
      }),
  };
}

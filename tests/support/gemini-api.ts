/**
 * A stand-in for Google's Code Assist API (the endpoint Gemini CLI uses with a Google login;
 * the real one lives outside this machine). It speaks the CLI's wire protocol —
 * POST /v1internal:<method>, streaming replies as SSE with each chunk wrapped in
 * `{ "response": … }` — and plays the same scripts as the Anthropic stand-in, chosen by the
 * last marker `[script:NAME]` in the conversation: plain, tool-write, error, hang, and the paced
 * slow (61 chunks 150 ms apart) and long (401 chunks a few ms apart) with the Anthropic
 * stand-in's texts (SLOW_PIECES, LONG_PIECES there); and ask, which calls the dispatch MCP server's
 * ask_team (found among the declared tools by its description) with PostgreSQL / Redis, then
 * answers "The member said: <the function response as JSON>"; and approve-rm, which runs
 * `rm -f notes.txt` with run_shell_command, then answers "Shell said: <the function response>".
 * Test-only: GET /__requests answers the requests received so far as JSON
 * (`{ requests: [{ path, headers, body }] }`), for tests that run the stand-in in another process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { lastScript, LONG_PIECES, SLOW_PIECES } from "./anthropic-api";

type Part = { text?: string; functionCall?: unknown; functionResponse?: unknown };
type Declaration = { name?: string; description?: string };
type Body = { model?: string; request?: { contents?: { role: string; parts?: Part[] }[]; tools?: { functionDeclarations?: Declaration[] }[] } };

export const GEMINI_USAGE = { promptTokenCount: 900, candidatesTokenCount: 40, totalTokenCount: 940 };

export type GeminiApi = { url: string; requests: { path: string; headers: http.IncomingHttpHeaders; body: Body }[]; close: () => Promise<void> };

/** `pieces` stream as one chunk each, `paceMs` apart. */
type Reply = { parts: Part[]; pieces?: string[]; paceMs?: number };

function reply(body: Body): Reply | "error" | "hang" {
  const contents = body.request?.contents ?? [];
  const all = JSON.stringify(contents);
  const script = lastScript(all) ?? "plain";
  const afterTool = (contents.at(-1)?.parts ?? []).some((p) => p.functionResponse);
  if (script === "error") return "error";
  if (script === "hang") return "hang";
  if (script === "slow") return { parts: [{ text: SLOW_PIECES.join("") }], pieces: SLOW_PIECES, paceMs: 150 };
  if (script === "long") return { parts: [{ text: LONG_PIECES.join("") }], pieces: LONG_PIECES, paceMs: 3 };
  if (script === "ask") {
    const declared = (body.request?.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
    const tool = declared.find((d) => d.description?.startsWith("Ask the people who requested this work"))?.name;
    if (!tool) return { parts: [{ text: `No ask_team tool was offered (tools: ${declared.map((d) => d.name).join(", ")}).` }] };
    const response = (contents.at(-1)?.parts ?? []).find((p) => p.functionResponse)?.functionResponse;
    if (afterTool) return { parts: [{ text: `The member said: ${JSON.stringify(response)}` }] };
    // A run resumed after its worker stopped mid-wait gets the answer in its new request.
    const resumed = (contents.at(-1)?.parts ?? []).map((p) => p.text ?? "").join(" ");
    if (/Your previous run (of this task )?stopped while it waited/.test(resumed)) return { parts: [{ text: `Resumed: ${resumed.replace(/\s+/g, " ")}` }] };
    return { parts: [{ text: "I need a decision first." }, { functionCall: { name: tool, args: { question: "Which database should the cache use?", options: ["PostgreSQL", "Redis"] } } }] };
  }
  if (script === "approve-rm") {
    const response = (contents.at(-1)?.parts ?? []).find((p) => p.functionResponse)?.functionResponse;
    if (afterTool) return { parts: [{ text: `Shell said: ${JSON.stringify(response)}` }] };
    return { parts: [{ functionCall: { name: "run_shell_command", args: { command: "rm -f notes.txt", description: "Remove the notes" } } }] };
  }
  if (script === "tool-write" && !afterTool) {
    return { parts: [{ text: "I will write the file." }, { functionCall: { name: "write_file", args: { file_path: "/work/hello.txt", content: "hello from gemini\n" } } }] };
  }
  return { parts: [{ text: afterTool ? "Done: I wrote hello.txt." : "The answer is **42**." }] };
}

/** Paced chunks, one piece each; stops when the client has gone (a cancelled run). */
async function streamPieces(res: http.ServerResponse, pieces: string[], paceMs: number, chunk: (parts: Part[], last: boolean) => unknown) {
  let gone = false;
  res.once("close", () => (gone = true));
  for (const [i, text] of pieces.entries()) {
    if (i > 0 && paceMs) await new Promise((r) => setTimeout(r, paceMs));
    if (gone) return;
    res.write(`data: ${JSON.stringify(chunk([{ text }], i === pieces.length - 1))}\n\n`);
  }
  res.end();
}

export async function startGeminiApi(): Promise<GeminiApi> {
  const requests: GeminiApi["requests"] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__requests") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ requests }));
    }
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      let body: Body = {};
      try {
        body = JSON.parse(raw || "{}") as Body;
      } catch {
        /* ignored */
      }
      const path = req.url ?? "";
      requests.push({ path, headers: req.headers, body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(v));
      };
      const method = /:(\w+)/.exec(path)?.[1] ?? "";
      if (method === "loadCodeAssist") return json(200, { currentTier: { id: "standard-tier", name: "Standard" }, cloudaicompanionProject: "dispatch-scripted" });
      if (method === "retrieveUserQuota") return json(200, { buckets: [] });
      if (method === "listExperiments") return json(200, { experimentIds: [], flags: [] });
      if (method === "recordCodeAssistMetrics" || method === "recordConversationOffered") return json(200, {});
      if (method === "countTokens") return json(200, { totalTokens: 10 });
      if (method !== "generateContent" && method !== "streamGenerateContent") return json(404, { error: { code: 404, message: "not found", status: "NOT_FOUND" } });
      const r = reply(body);
      if (r === "error") return json(500, { error: { code: 500, message: "Scripted overload: the model is unavailable", status: "INTERNAL" } });
      const chunk = (parts: Part[], last: boolean) => ({
        response: {
          candidates: [{ content: { role: "model", parts }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }],
          ...(last ? { usageMetadata: GEMINI_USAGE } : {}),
          modelVersion: body.model,
        },
      });
      if (method === "generateContent") {
        if (r === "hang") return; // never answers
        return json(200, chunk(r.parts, true));
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      open.add(res);
      res.on("close", () => open.delete(res));
      if (r === "hang") return res.write(`data: ${JSON.stringify(chunk([{ text: "Thinking" }], false))}\n\n`);
      if (r.pieces) return void streamPieces(res, r.pieces, r.paceMs ?? 0, chunk);
      r.parts.forEach((p, i) => res.write(`data: ${JSON.stringify(chunk([p], i === r.parts.length - 1))}\n\n`));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.close(() => resolve());
      }),
  };
}

// Inside the agent container: the CLI starts this as its `dispatch` MCP server (stdio). Each
// JSON-RPC message read from stdin is posted to the worker through the mounted socket, which holds
// the server's logic (workers/run/mcp-server.ts); its reply is written to stdout. No logic, no
// network, no credential here: a call that waits on a member (a question, an approval) simply
// waits for its HTTP answer.
// With `--before-tool` it is Gemini CLI's BeforeTool hook instead: the tool call read from stdin
// is put to the same server's approve_action, and the decision printed as the hook's JSON.
import http from "node:http";
import readline from "node:readline";

const socketPath = process.env.DISPATCH_API_SOCKET ?? "/run/dispatch/api.sock";
const agent = new http.Agent({ keepAlive: true });

function post(line) {
  return new Promise((resolve) => {
    const req = http.request(
      { socketPath, path: "/_dispatch/mcp", method: "POST", agent, headers: { "content-type": "application/json", host: "localhost" } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body.trim()));
      },
    );
    req.on("error", (err) => resolve(errorReply(line, `Dispatch is not reachable: ${err.message}`)));
    req.end(line);
  });
}

/** A request (it has an id) must get an answer even when the worker cannot be reached. */
function errorReply(line, message) {
  try {
    const msg = JSON.parse(line);
    if (msg && msg.id !== undefined && msg.method) return JSON.stringify({ jsonrpc: "2.0", id: msg.id, error: { code: -32603, message } });
  } catch {
    /* not JSON: nothing to answer */
  }
  return "";
}

async function beforeTool() {
  let raw = "";
  for await (const chunk of process.stdin) raw += chunk;
  let event = {};
  try {
    event = JSON.parse(raw);
  } catch {
    /* an unreadable event is put to the server as an unknown tool */
  }
  const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "approve_action", arguments: { tool_name: event.tool_name ?? "unknown", input: event.tool_input ?? {} } } };
  const reply = await post(JSON.stringify(call));
  let decision = { behavior: "deny", message: "Dispatch could not decide on this action." };
  try {
    decision = JSON.parse(JSON.parse(reply).result.content[0].text);
  } catch {
    /* not reachable or not understood: denied */
  }
  process.stdout.write(JSON.stringify(decision.behavior === "allow" ? { decision: "allow" } : { decision: "deny", reason: decision.message }));
}

if (process.argv.includes("--before-tool")) {
  await beforeTool();
} else {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", async (line) => {
    if (!line.trim()) return;
    const reply = await post(line);
    if (reply) process.stdout.write(`${reply}\n`);
  });
  rl.on("close", () => process.exit(0));
}

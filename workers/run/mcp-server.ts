import { stripUnstorable } from "@/lib/storable-text";

/**
 * The `dispatch` MCP server each agent's CLI talks to (through docker/shared/mcp-bridge.mjs and
 * the session's socket): JSON-RPC 2.0 as MCP's stdio transport carries it, one message per POST.
 * The tools' work (asking a member, waiting) is the run's; this file is only the protocol.
 */

export type ToolResult = { text: string; isError?: boolean };
export type McpTools = {
  askUser(args: { question: string; options: string[]; multiple: boolean }, callId: string): Promise<ToolResult>;
  /** Claude Code's permission prompt: `{behavior: "allow", updatedInput}` or `{behavior: "deny", message}` as JSON text. */
  approveAction(args: { toolName: string; input: unknown; toolUseId: string | null }): Promise<ToolResult>;
};

/** Not `ask_user`: Gemini CLI drops every tool of that name in headless runs (its own asks a terminal). */
export const ASK_TOOL = "ask_team";
export const APPROVE_TOOL = "approve_action";

const TOOLS = [
  {
    name: ASK_TOOL,
    description:
      "Ask the people who requested this work a question and wait for their answer, which this tool returns. " +
      "Use it when a decision is theirs to make or you cannot go on safely without it; do not use it for things you can find out yourself. " +
      "Offer the choices you see as options; they may also answer in their own words.",
    inputSchema: {
      type: "object",
      properties: {
        question: { type: "string", description: "The question, short and self-contained." },
        options: { type: "array", items: { type: "string" }, maxItems: 10, description: "Choices to pick from (optional)." },
        multiple: { type: "boolean", description: "Whether several options may be picked (default false)." },
      },
      required: ["question"],
      additionalProperties: false,
    },
  },
  {
    name: APPROVE_TOOL,
    description: "Used by Dispatch to decide whether an action may run. Not for the agent to call.",
    inputSchema: {
      type: "object",
      properties: { tool_name: { type: "string" }, input: { type: "object" }, tool_use_id: { type: "string" } },
      required: ["tool_name", "input"],
    },
  },
];

const PROTOCOL_VERSIONS = ["2025-06-18", "2025-03-26", "2024-11-05"];

type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
type Reply = { jsonrpc: "2.0"; id: unknown } & ({ result: unknown } | { error: { code: number; message: string } });

/** A string argument, trimmed and cut; what PostgreSQL cannot store (NUL, lone surrogates) dropped. */
const str = (v: unknown, max: number) => (typeof v === "string" ? stripUnstorable(v).trim().slice(0, max) : "");

/** One message in, its reply out (null for a notification, which gets none). Never throws. */
export async function handleMcpMessage(raw: string, tools: McpTools, newCallId: () => string): Promise<Reply | null> {
  let msg: Message;
  try {
    msg = JSON.parse(raw) as Message;
  } catch {
    return { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } };
  }
  if (!msg || typeof msg !== "object" || typeof msg.method !== "string") return { jsonrpc: "2.0", id: msg?.id ?? null, error: { code: -32600, message: "Invalid request" } };
  if (msg.id === undefined || msg.id === null) return null;
  const ok = (result: unknown): Reply => ({ jsonrpc: "2.0", id: msg.id, result });
  const params = (msg.params ?? {}) as Record<string, unknown>;
  switch (msg.method) {
    case "initialize": {
      const asked = typeof params.protocolVersion === "string" ? params.protocolVersion : "";
      return ok({
        protocolVersion: PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0],
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: "dispatch", version: "1.0.0" },
      });
    }
    case "ping":
      return ok({});
    case "tools/list":
      return ok({ tools: TOOLS });
    case "tools/call": {
      const args = (params.arguments ?? {}) as Record<string, unknown>;
      const result = await callTool(String(params.name ?? ""), args, tools, newCallId).catch(
        (err: unknown): ToolResult => ({ text: `Dispatch could not complete this call: ${err instanceof Error ? err.message : String(err)}`, isError: true }),
      );
      return ok({ content: [{ type: "text", text: result.text }], ...(result.isError ? { isError: true } : {}) });
    }
    default:
      return { jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method.slice(0, 100)}` } };
  }
}

async function callTool(name: string, args: Record<string, unknown>, tools: McpTools, newCallId: () => string): Promise<ToolResult> {
  if (name === ASK_TOOL) {
    const question = str(args.question, 2_000);
    if (!question) return { text: "ask_team needs a question.", isError: true };
    const options = Array.isArray(args.options) ? [...new Set(args.options.map((o) => str(o, 200)).filter(Boolean))].slice(0, 10) : [];
    return tools.askUser({ question, options, multiple: args.multiple === true && options.length > 1 }, newCallId());
  }
  if (name === APPROVE_TOOL) {
    const toolUseId = typeof args.tool_use_id === "string" && args.tool_use_id ? args.tool_use_id.slice(0, 200) : null;
    return tools.approveAction({ toolName: str(args.tool_name, 200) || "unknown", input: args.input ?? {}, toolUseId });
  }
  return { text: `Unknown tool: ${name.slice(0, 100)}`, isError: true };
}

import { describe, expect, it, vi } from "vitest";
import { handleMcpMessage, type McpTools } from "./mcp-server";

const tools = (over: Partial<McpTools> = {}): McpTools => ({
  askUser: vi.fn(async () => ({ text: "PostgreSQL" })),
  approveAction: vi.fn(async () => ({ text: '{"behavior":"allow","updatedInput":{}}' })),
  ...over,
});
const call = (msg: unknown, t = tools()) => handleMcpMessage(JSON.stringify(msg), t, () => "call-1");

describe("the dispatch MCP server's protocol", () => {
  it("initializes with the client's protocol version when it knows it, and lists both tools", async () => {
    expect(await call({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-03-26" } })).toMatchObject({ id: 0, result: { protocolVersion: "2025-03-26", capabilities: { tools: {} } } });
    expect(await call({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "1999-01-01" } })).toMatchObject({ result: { protocolVersion: "2025-06-18" } });
    const list = (await call({ jsonrpc: "2.0", id: 2, method: "tools/list" })) as { result: { tools: { name: string }[] } };
    expect(list.result.tools.map((t) => t.name)).toEqual(["ask_team", "approve_action"]);
  });

  it("answers no notification, and names what it cannot parse or does not know", async () => {
    expect(await call({ jsonrpc: "2.0", method: "notifications/initialized" })).toBeNull();
    expect(await handleMcpMessage("{not json", tools(), () => "x")).toMatchObject({ error: { code: -32700 } });
    expect(await call({ jsonrpc: "2.0", id: 3, method: "resources/list" })).toMatchObject({ id: 3, error: { code: -32601, message: "Method not found: resources/list" } });
    expect(await call({ jsonrpc: "2.0", id: 4 })).toMatchObject({ error: { code: -32600 } });
  });

  it("hands ask_team a cleaned question: options trimmed, deduplicated, at most ten; multiple only with two or more", async () => {
    const t = tools();
    const reply = await call({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "ask_team", arguments: { question: "  Which DB? ", options: [" PG ", "PG", "", 3, ...Array(12).fill(0).map((_, i) => `o${i}`)], multiple: true } } }, t);
    expect(t.askUser).toHaveBeenCalledWith({ question: "Which DB?", options: ["PG", "o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"], multiple: true }, "call-1");
    expect(reply).toMatchObject({ id: 5, result: { content: [{ type: "text", text: "PostgreSQL" }] } });
    await call({ jsonrpc: "2.0", id: 6, method: "tools/call", params: { name: "ask_team", arguments: { question: "Sure?", options: ["yes"], multiple: true } } }, t);
    expect(t.askUser).toHaveBeenLastCalledWith({ question: "Sure?", options: ["yes"], multiple: false }, "call-1");
  });

  it("makes a tool error of a missing question, an unknown tool, and a tool that throws", async () => {
    expect(await call({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "ask_team", arguments: {} } })).toMatchObject({ result: { isError: true, content: [{ text: "ask_team needs a question." }] } });
    expect(await call({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "rm", arguments: {} } })).toMatchObject({ result: { isError: true, content: [{ text: "Unknown tool: rm" }] } });
    const failing = tools({ askUser: async () => Promise.reject(new Error("database down")) });
    expect(await call({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "ask_team", arguments: { question: "q" } } }, failing)).toMatchObject({
      result: { isError: true, content: [{ text: "Dispatch could not complete this call: database down" }] },
    });
  });

  it("passes the permission prompt's tool, input and tool_use_id through", async () => {
    const t = tools();
    await call({ jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: "approve_action", arguments: { tool_name: "Bash", input: { command: "rm -rf x" }, tool_use_id: "toolu_1" } } }, t);
    expect(t.approveAction).toHaveBeenCalledWith({ toolName: "Bash", input: { command: "rm -rf x" }, toolUseId: "toolu_1" });
  });
});

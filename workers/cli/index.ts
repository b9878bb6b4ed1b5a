import { createClaudeParser } from "./claude";
import { createGeminiParser } from "./gemini";
import type { SetupCall } from "../setup-cache";
import type { CliOutputParser } from "./types";

/** What the worker needs to know about one CLI. Adding a provider is a row plus one of these. */
export type CliAdapter = {
  createParser(): CliOutputParser;
  /** The container's environment: the model, and a credential where this CLI expects one (the placeholder, normally). */
  containerEnv(args: { model: string; token: string; resume: string | null; approvals?: boolean }): Record<string, string>;
  /** What the worker's proxy sets on every request to the model API, replacing whatever the CLI sent. */
  credentialHeaders(token: string): Record<string, string>;
  /** Where the model API lives unless DISPATCH_MODEL_API_<CLI> says otherwise. */
  defaultApiBase: string;
  /** Folders under HOME holding the CLI's conversation, kept for resuming a follow-up. */
  stateDirs: string[];
  /** Calls the CLI makes before it prints anything whose replies the worker may keep for a while (workers/setup-cache.ts). */
  setupCalls?: SetupCall[];
};

/**
 * What the CLI inside the container is given instead of the real token: it only needs something
 * to send, and the proxy replaces it. Not a secret.
 */
export const PROXY_CREDENTIAL = "dispatch-proxy-adds-the-credential";

export const cliAdapters: Record<string, CliAdapter> = {
  claude: {
    createParser: createClaudeParser,
    containerEnv: ({ model, token, resume, approvals }) => ({
      DISPATCH_MODEL: model,
      CLAUDE_CODE_OAUTH_TOKEN: token,
      ...(resume ? { DISPATCH_RESUME: resume } : {}),
      // Every action the CLI would ask permission for goes to the dispatch MCP server's approve_action.
      ...(approvals ? { DISPATCH_APPROVALS: "1" } : {}),
    }),
    // Given an OAuth token (the placeholder), Claude Code already sends the oauth beta flag; only the bearer changes.
    credentialHeaders: (token) => ({ authorization: `Bearer ${token}` }),
    defaultApiBase: "https://api.anthropic.com",
    stateDirs: [".claude/projects"],
  },
  gemini: {
    createParser: createGeminiParser,
    // Google login: a fresh access token, sent as Bearer to the Code Assist API.
    containerEnv: ({ model, token, resume, approvals }) => ({
      DISPATCH_MODEL: model,
      GOOGLE_CLOUD_ACCESS_TOKEN: token,
      ...(process.env.GOOGLE_CLOUD_PROJECT ? { GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT } : {}),
      ...(resume ? { DISPATCH_RESUME: resume } : {}),
      // A BeforeTool hook puts each tool call to the dispatch MCP server's approve_action.
      ...(approvals ? { DISPATCH_APPROVALS: "1" } : {}),
    }),
    credentialHeaders: (token) => ({ authorization: `Bearer ${token}` }),
    defaultApiBase: "https://cloudcode-pa.googleapis.com",
    stateDirs: [".gemini/tmp"],
    // Four round trips one after another before its first line (measured: npm run bench:prestart).
    // Set-up and flags stay for ten minutes; the quota, asked three times per start, for half a minute.
    setupCalls: [
      { path: "/v1internal:loadCodeAssist", keepMs: 10 * 60_000 },
      { path: "/v1internal:listExperiments", keepMs: 10 * 60_000 },
      { path: "/v1internal:retrieveUserQuota", keepMs: 30_000 },
    ],
  },
};

export function modelApiBase(cli: string, adapter: CliAdapter): string {
  return process.env[`DISPATCH_MODEL_API_${cli.toUpperCase()}`] || adapter.defaultApiBase;
}

import { createClaudeParser } from "./claude";
import { createGeminiParser } from "./gemini";
import type { CliOutputParser } from "./types";

/** What the worker needs to know about one CLI. Adding a provider is a row plus one of these. */
export type CliAdapter = {
  createParser(): CliOutputParser;
  /** The container's environment: the model and the credential the way this CLI expects it. */
  containerEnv(args: { model: string; token: string; resume: string | null }): Record<string, string>;
  /** Where the model API lives unless DISPATCH_MODEL_API_<CLI> says otherwise. */
  defaultApiBase: string;
};

export const cliAdapters: Record<string, CliAdapter> = {
  claude: {
    createParser: createClaudeParser,
    containerEnv: ({ model, token, resume }) => ({
      DISPATCH_MODEL: model,
      CLAUDE_CODE_OAUTH_TOKEN: token,
      ...(resume ? { DISPATCH_RESUME: resume } : {}),
    }),
    defaultApiBase: "https://api.anthropic.com",
  },
  gemini: {
    createParser: createGeminiParser,
    // Google login: a fresh access token, sent as Bearer to the Code Assist API.
    containerEnv: ({ model, token, resume }) => ({
      DISPATCH_MODEL: model,
      GOOGLE_CLOUD_ACCESS_TOKEN: token,
      ...(process.env.GOOGLE_CLOUD_PROJECT ? { GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT } : {}),
      ...(resume ? { DISPATCH_RESUME: resume } : {}),
    }),
    defaultApiBase: "https://cloudcode-pa.googleapis.com",
  },
};

export function modelApiBase(cli: string, adapter: CliAdapter): string {
  return process.env[`DISPATCH_MODEL_API_${cli.toUpperCase()}`] || adapter.defaultApiBase;
}

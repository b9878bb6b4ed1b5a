import type { SessionEvent } from "@/lib/sessions/events";

/** What a CLI's final line says about the run; null fields were not reported. */
export type CliResult = {
  answer: string | null;
  cliSessionId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  isError: boolean;
  errorMessage: string | null;
};

/** One per session: feeds stdout/stderr lines in, gets normalized events out. Never throws on input. */
export interface CliOutputParser {
  stdout(line: string): SessionEvent[];
  stderr(line: string): SessionEvent[];
  /** The final result, if the CLI printed one (a killed CLI prints none). */
  result(): CliResult | null;
  /** The CLI's own session id as soon as it is known (for resuming follow-ups). */
  cliSessionId(): string | null;
}

/** Names the most telling argument of a tool call: the file, the command or the pattern. */
export function toolTarget(input: unknown): string | undefined {
  if (!input || typeof input !== "object") return undefined;
  const o = input as Record<string, unknown>;
  for (const key of ["file_path", "path", "absolute_path", "command", "pattern", "url", "query", "dir_path"]) {
    const v = o[key];
    if (typeof v === "string" && v) return v.length > 200 ? `${v.slice(0, 200)}…` : v;
  }
  return undefined;
}

export function parseJsonLine(line: string): Record<string, unknown> | null {
  const t = line.trim();
  if (!t.startsWith("{")) return null;
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Wraps a parser's stdout so that no input line can make it throw: a line it chokes on is plain text. */
export function neverThrows(parse: (line: string) => SessionEvent[]): (line: string) => SessionEvent[] {
  return (line) => {
    try {
      return parse(line);
    } catch {
      return [{ type: "text", text: line }];
    }
  };
}

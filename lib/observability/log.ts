import { createRequire } from "node:module";
import { formatWithOptions } from "node:util";
import pino, { type Logger } from "pino";
import { redactSecrets } from "@/lib/secrets/redact";
import { currentLogContext } from "./log-context";
import { LOG_LEVELS, type LogLevel } from "./log-levels";

type Sink = (line: string) => void;

const globalForLog = globalThis as unknown as { __dispatchLogger?: Logger; __dispatchLogSink?: Sink | null };

/** Pretty lines in development when pino-pretty is installed (a dev dependency); JSON otherwise. */
function prettySink(): Sink | null {
  if (process.env.NODE_ENV !== "development" || process.env.DISPATCH_LOG_FORMAT === "json") return null;
  try {
    const pretty = createRequire(import.meta.url)("pino-pretty") as (o: object) => NodeJS.WritableStream;
    const stream = pretty({ colorize: true, sync: true, destination: 1, ignore: "pid,hostname" });
    return (line) => void stream.write(line);
  } catch {
    return null;
  }
}

/**
 * The one destination of every line: the token scrubber runs on the finished line (whatever
 * field a secret hid in), then stdout. Tests may redirect it with `captureLogLines`.
 */
const destination = (() => {
  let pretty: Sink | null | undefined;
  return {
    write(line: string) {
      const clean = redactSecrets(line);
      const sink = globalForLog.__dispatchLogSink;
      if (sink) return sink(clean);
      pretty ??= prettySink();
      if (pretty) pretty(clean);
      else process.stdout.write(clean);
    },
  };
})();

function level(): LogLevel {
  const wanted = process.env.LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted ?? "") ? (wanted as LogLevel) : "info";
}

/**
 * The process's structured log: one JSON line per entry with level, time, msg and the context in
 * force (sessionId, workspaceId, workerId, requestId; see log-context.ts). LOG_LEVEL sets the floor.
 */
export function log(): Logger {
  globalForLog.__dispatchLogger ??= pino(
    {
      level: level(),
      base: { pid: process.pid },
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...currentLogContext() }),
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  // LOG_LEVEL is read on each call, so a test (or a future reload) can change it.
  const wanted = level();
  if (globalForLog.__dispatchLogger.level !== wanted) globalForLog.__dispatchLogger.level = wanted;
  return globalForLog.__dispatchLogger;
}

/** A logger whose lines name their part of the system (`component`: "worker", "db", …). */
export const logFor = (component: string): Logger => log().child({ component });

/** Tests: every line (already scrubbed) goes to `lines` until the returned function is called. */
export function captureLogLines(lines: string[]): () => void {
  const before = globalForLog.__dispatchLogSink ?? null;
  globalForLog.__dispatchLogSink = (line) => void lines.push(line);
  return () => void (globalForLog.__dispatchLogSink = before);
}

const CONSOLE_LEVELS = { log: "info", info: "info", debug: "debug", warn: "warn", error: "error" } as const;
let bridged = false;

/**
 * Routes console.* through the structured log, so what libraries (and code not yet moved to
 * `logFor`) print is a JSON line with the context in force, and is scrubbed like every other.
 * A leading "[component]" in the text becomes the `component` field.
 */
export function routeConsoleToLog(target: Console = console): void {
  if (bridged && target === console) return;
  if (target === console) bridged = true;
  for (const [method, lvl] of Object.entries(CONSOLE_LEVELS) as [keyof typeof CONSOLE_LEVELS, (typeof CONSOLE_LEVELS)[keyof typeof CONSOLE_LEVELS]][]) {
    target[method] = (...args: unknown[]) => {
      const text = formatWithOptions({ colors: false }, ...args);
      const m = /^\[([a-z][\w-]{0,30})\] ([\s\S]*)$/.exec(text);
      if (m) log()[lvl]({ component: m[1] }, m[2]!);
      else log()[lvl](text);
    };
  }
}

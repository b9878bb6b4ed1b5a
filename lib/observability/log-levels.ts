/** pino's levels, lowest noise last; LOG_LEVEL must name one (lib/env.ts). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

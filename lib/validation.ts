import { z } from "zod";
import { DispatchError } from "./errors";
import { describeProblem, findUnstorableString } from "./storable-text";

/**
 * Parses input with a zod schema; the first problem becomes a bad_request naming its field. What
 * passes is also checked for strings the database cannot store (NUL, lone surrogates), anywhere.
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, surface: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    const bad = findUnstorableString(result.data);
    if (!bad) return result.data;
    const field = bad.path.length ? bad.path.join(".") : undefined;
    throw new DispatchError(`bad_request:${surface}`, `${field ?? "The input"} ${describeProblem(bad.problem)}.`, { field });
  }
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : undefined;
  const message = issue ? (field && issue.code === "invalid_type" && issue.received === "undefined" ? `${field} is required.` : issue.message) : "Invalid input.";
  throw new DispatchError(`bad_request:${surface}`, message, { field });
}

const uuidSchema = z.string().uuid();

/** An id as the database stores it; anything else (another type, junk, a NUL) names nothing and is a 404 where it is looked up. */
export const isUuid = (v: unknown): v is string => uuidSchema.safeParse(v).success;

/** Postgres unique violation (code 23505), from node-postgres or PGlite. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return !!e && e.code === "23505" && (!constraint || e.constraint === constraint);
}

function findPgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === "object"; i++) {
    const e = cur as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof e.code === "string") return { code: e.code, constraint: e.constraint };
    cur = e.cause;
  }
  return undefined;
}

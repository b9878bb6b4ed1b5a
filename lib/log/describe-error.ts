import { REDACTED, redactSecrets } from "@/lib/secrets/redact";

/**
 * One log line's worth of an error, safe to print: names, database codes, constraint and table,
 * and for other errors a redacted, shortened message. Never a database error's message, query,
 * parameters or detail: drizzle's `Failed query: … params: …` quotes the row being written (an
 * e-mail and password hash, a sealed token, a comment body), and PostgreSQL's detail quotes the
 * offending value (`Key (email)=(…) already exists`).
 *
 * Pure (no Node or Next imports) so the web, the worker and scripts can all use it.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && cur !== undefined && cur !== null; depth++) {
    parts.push(describeOne(cur));
    cur = typeof cur === "object" ? (cur as ErrorFields).cause : undefined;
  }
  return parts.join(" <- caused by ") || "unknown error";
}

type ErrorFields = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  severity?: unknown;
  query?: unknown;
  params?: unknown;
  cause?: unknown;
};

const MAX_DEPTH = 5;
const MAX_MESSAGE = 200;
// SQLSTATE codes are five digits or capitals (23505); Node's system errors are E-words (ECONNREFUSED).
const SAFE_CODE = /^[0-9A-Z_]{1,40}$/;
const IDENTIFIER = /^[A-Za-z_][\w$.]{0,62}$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

function describeOne(value: unknown): string {
  // A thrown string may be anything: only its kind is told.
  if (typeof value !== "object" || value === null) return `thrown ${value === null ? "null" : typeof value}`;
  const e = value as ErrorFields;
  const name = errorName(value);
  const fields: string[] = [];
  if (typeof e.code === "string" && SAFE_CODE.test(e.code)) fields.push(`code=${e.code}`);
  else if (typeof e.code === "number") fields.push(`code=${e.code}`);
  for (const key of ["constraint", "table", "column"] as const) {
    const v = e[key];
    if (typeof v === "string" && IDENTIFIER.test(v)) fields.push(`${key}=${v}`);
  }
  const head = [name, ...fields].join(" ");
  if (isDatabaseError(e)) return head;
  const message = typeof e.message === "string" ? safeMessage(e.message) : "";
  return message ? `${head}: ${message}` : head;
}

/** The class when it says more than `Error` (drizzle's query error keeps the name "Error"), else `.name`. */
function errorName(value: object): string {
  const ctor = value.constructor?.name;
  if (ctor && ctor !== "Error" && ctor !== "Object" && IDENTIFIER.test(ctor)) return ctor;
  const name = (value as ErrorFields).name;
  return typeof name === "string" && IDENTIFIER.test(name) ? name : (ctor ?? "Object");
}

/** Drizzle's query error, or a driver's (node-postgres, PGlite): their text quotes values. */
function isDatabaseError(e: ErrorFields): boolean {
  return "query" in e || "params" in e || "severity" in e || (typeof e.code === "string" && SQLSTATE.test(e.code) && /^\d/.test(e.code));
}

const SENSITIVE: RegExp[] = [
  /\bscrypt\$\S+/g, // a password hash
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, // an e-mail address
  /[A-Za-z0-9+/_=-]{32,}/g, // long opaque strings: tokens, ciphertexts, hashes
];

function safeMessage(raw: string): string {
  // A message that carries a query carries its parameters too: none of it is kept.
  if (/failed query|\bparams:/i.test(raw)) return "(query withheld)";
  let text = redactSecrets(raw.replace(/\s+/g, " ").trim());
  for (const shape of SENSITIVE) text = text.replace(shape, REDACTED);
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

export const REDACTED = "[redacted]";

/**
 * Shapes of provider credentials: Anthropic keys and OAuth tokens, Google OAuth access tokens
 * and API keys, GitHub tokens, and bearer headers. Anything matching is replaced even when it
 * is not this workspace's token: agent output is untrusted and may echo anything it saw.
 */
const TOKEN_SHAPES: RegExp[] = [
  /sk-ant-[a-z]{2,6}\d{2}-[A-Za-z0-9_-]{8,}/g,
  /\bya29\.[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/-]{20,}=*/gi,
];

/** Replaces every known secret (exact text) and anything shaped like a provider token. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join(REDACTED);
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, (_m, bearer?: string) => (typeof bearer === "string" ? `${bearer}${REDACTED}` : REDACTED));
  return out;
}

/** The same over every string inside a JSON-like value (an event, a tool input). */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === "string") return redactSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}

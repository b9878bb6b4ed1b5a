import { z } from "zod";
import { DispatchError } from "@/lib/errors";

/**
 * Which pasted tokens each connection kind accepts. Dispatch connects with OAuth (or, for a
 * forge, an app installation), never with API keys or personal access tokens: those are refused
 * with the reason, and anything else not shaped like an accepted token is refused naming the shape.
 */
export type TokenType = "oauth" | "installation";

export type PasteRule = {
  accepts: { pattern: RegExp; tokenType: TokenType; lifetimeMs: number | null }[];
  /** How the accepted token looks, for messages and placeholders: "sk-ant-oat01-…". */
  shape: string;
  /** The sentence that tells an admin where to get one. */
  howTo: string;
  /** The answer to an empty paste. */
  empty: string;
  /** Tokens people paste by mistake, each with why it is refused. */
  mistakes: { pattern: RegExp; message: string }[];
  /** The answer to anything else, given the service's name. */
  notThis: (name: string) => string;
};

/** Model keys people paste by mistake, by provider family; the label is what the message shows. */
const API_KEYS: { pattern: RegExp; label: string }[] = [
  { pattern: /^sk-ant-api/, label: "sk-ant-api…" },
  { pattern: /^sk-ant-admin/, label: "sk-ant-admin…" },
  { pattern: /^AIza[A-Za-z0-9_-]{20,}$/, label: "AIza…" },
  { pattern: /^sk-(?!ant-)[A-Za-z0-9_-]{20,}$/, label: "sk-…" },
];

/** A model provider's OAuth token, refusing API keys. */
function modelRule(oauth: RegExp, shape: string, howTo: string, lifetimeMs: number | null): PasteRule {
  return {
    accepts: [{ pattern: oauth, tokenType: "oauth", lifetimeMs }],
    shape,
    howTo,
    empty: `No token was pasted: ${howTo}.`,
    mistakes: API_KEYS.map((k) => ({ pattern: k.pattern, message: `This looks like an API key (${k.label}). Dispatch connects with OAuth only: ${howTo}.` })),
    notThis: (name) => `This is not a ${name} OAuth token (expected ${shape}): ${howTo}.`,
  };
}

/** Model providers' rules by CLI adapter (one row per adapter); GitHub's by its kind. */
export const PASTE_RULES: Record<string, PasteRule> = {
  claude: modelRule(/^sk-ant-oat01-[A-Za-z0-9_-]{32,1024}$/, "sk-ant-oat01-…", "run `claude setup-token` and paste the token it prints", null),
  // Google access tokens live one hour.
  gemini: modelRule(/^ya29\.[A-Za-z0-9._-]{20,4096}$/, "ya29.…", "paste a Google OAuth access token", 60 * 60 * 1000),
  // GitHub's prefixes: ghs_ installation, gho_ OAuth app, ghu_ GitHub App user, ghp_/github_pat_ personal.
  github: {
    accepts: [
      { pattern: /^ghs_[A-Za-z0-9]{20,255}$/, tokenType: "installation", lifetimeMs: 60 * 60 * 1000 },
      { pattern: /^gho_[A-Za-z0-9]{20,255}$/, tokenType: "oauth", lifetimeMs: null },
      { pattern: /^ghu_[A-Za-z0-9]{20,255}$/, tokenType: "oauth", lifetimeMs: 8 * 60 * 60 * 1000 },
    ],
    shape: "ghs_…",
    howTo: "paste a GitHub App installation token (ghs_…)",
    empty: "No token was pasted: paste a GitHub App installation token (ghs_…), or use Connect GitHub.",
    mistakes: [
      {
        pattern: /^(ghp_|github_pat_)/,
        message: "This is a personal access token. Dispatch connects GitHub by OAuth or with a GitHub App installation token (ghs_…), so pushes are not tied to one person's account.",
      },
    ],
    notThis: () => "This is not a GitHub token (expected an installation token ghs_… or an OAuth token gho_…/ghu_…).",
  },
};

export type PastedToken = { token: string; tokenType: TokenType; lifetimeMs: number | null };

/**
 * The token as it will be stored, or a bad_request:<surface> naming why it was refused. Line
 * breaks and spaces are removed: a long token copied from a narrow terminal arrives wrapped.
 * Messages never repeat the token.
 */
export function checkPastedToken(rule: PasteRule | null, service: { name: string; surface: string }, raw: string): PastedToken {
  const refuse = (message: string) => new DispatchError(`bad_request:${service.surface}`, message, { field: "token" });
  if (!rule) throw refuse(`${service.name} cannot be connected with a pasted token; use Connect with OAuth.`);
  const token = raw.replace(/\s+/g, "");
  if (!token) throw refuse(rule.empty);
  const accepted = rule.accepts.find((a) => a.pattern.test(token));
  if (accepted) return { token, tokenType: accepted.tokenType, lifetimeMs: accepted.lifetimeMs };
  throw refuse(rule.mistakes.find((m) => m.pattern.test(token))?.message ?? rule.notThis(service.name));
}

export const connectTokenSchema = z.object({
  token: z.string({ required_error: "Paste the token.", invalid_type_error: "The token must be text." }).max(8192, "That is far longer than any token."),
  /** When the token stops working, if the admin knows better than the rule's default. */
  expires_at: z.string().datetime({ offset: true, message: "expires_at must be an ISO date and time." }).nullish(),
});

export type PasteHint = { shape: string; howTo: string; expiresInMinutes: number | null };

/** For a settings form: how a pasted token looks (null: it cannot be pasted). */
export function pasteHint(rule: PasteRule | null): PasteHint | null {
  const lifetime = rule?.accepts[0]?.lifetimeMs ?? null;
  return rule && { shape: rule.shape, howTo: rule.howTo, expiresInMinutes: lifetime && lifetime / 60_000 };
}

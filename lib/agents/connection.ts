import { admitWaiting } from "@/lib/sessions/admission";
import { z } from "zod";
import { dataDir, type Db } from "@/db/client";
import { clearConnection, loadCatalog, storeConnection, type CatalogProvider } from "@/db/queries/agents";
import { keyRing, open, seal } from "@/lib/crypto/token-box";
import { DispatchError, notFound } from "@/lib/errors";
import { describeError } from "@/lib/log/describe-error";
import { parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { revokeToken } from "./oauth";
import { oauthConfigFor } from "./oauth-config";
import { getProviderConfig, type ProviderConfigJson } from "./providers";

/**
 * Connecting a provider by pasting an OAuth token (until the OAuth redirect flow exists). Dispatch
 * never accepts API keys: a pasted key is refused with the reason, anything else not shaped like
 * the provider's OAuth token is refused naming the shape. One row per CLI adapter.
 */
type PasteRule = {
  oauth: RegExp;
  /** How the accepted token looks, for messages: "sk-ant-oat01-…". */
  shape: string;
  /** The sentence that tells an admin where to get one. */
  howTo: string;
  /** Lifetime of a freshly issued token when known (Google access tokens: one hour). */
  lifetimeMs: number | null;
};

export const PASTE_RULES: Record<string, PasteRule> = {
  claude: {
    oauth: /^sk-ant-oat01-[A-Za-z0-9_-]{32,1024}$/,
    shape: "sk-ant-oat01-…",
    howTo: "run `claude setup-token` and paste the token it prints",
    lifetimeMs: null,
  },
  gemini: {
    oauth: /^ya29\.[A-Za-z0-9._-]{20,4096}$/,
    shape: "ya29.…",
    howTo: "paste a Google OAuth access token",
    lifetimeMs: 60 * 60 * 1000,
  },
};

/** Keys people paste by mistake, by provider family; the label is what the message shows. */
const API_KEYS: { pattern: RegExp; label: string }[] = [
  { pattern: /^sk-ant-api/, label: "sk-ant-api…" },
  { pattern: /^sk-ant-admin/, label: "sk-ant-admin…" },
  { pattern: /^AIza[A-Za-z0-9_-]{20,}$/, label: "AIza…" },
  { pattern: /^sk-(?!ant-)[A-Za-z0-9_-]{20,}$/, label: "sk-…" },
];

const refuse = (message: string) => new DispatchError("bad_request:connection", message, { field: "token" });

/** The rule for a provider's CLI, or null when its tokens cannot be pasted. */
export function pasteRuleFor(cli: string): PasteRule | null {
  return PASTE_RULES[cli] ?? null;
}

/**
 * The token as it will be stored, or a bad_request:connection naming why it was refused. Line
 * breaks and spaces are removed: a long token copied from a narrow terminal arrives wrapped.
 * Messages never repeat the token.
 */
export function checkPastedToken(provider: { cli: string; name: string }, raw: string): { token: string; rule: PasteRule } {
  const rule = pasteRuleFor(provider.cli);
  if (!rule) throw refuse(`${provider.name} cannot be connected with a pasted token; use Connect with OAuth.`);
  const token = raw.replace(/\s+/g, "");
  if (!token) throw refuse(`No token was pasted: ${rule.howTo}.`);
  if (rule.oauth.test(token)) return { token, rule };
  const key = API_KEYS.find((k) => k.pattern.test(token));
  if (key) throw refuse(`This looks like an API key (${key.label}). Dispatch connects with OAuth only: ${rule.howTo}.`);
  throw refuse(`This is not a ${provider.name} OAuth token (expected ${rule.shape}): ${rule.howTo}.`);
}

export const connectTokenSchema = z.object({
  token: z.string({ required_error: "Paste the token.", invalid_type_error: "The token must be text." }).max(8192, "That is far longer than any token."),
  /** When the token stops working, if the admin knows better than the rule's default. */
  expires_at: z.string().datetime({ offset: true, message: "expires_at must be an ISO date and time." }).nullish(),
});

export type PasteHint = { shape: string; howTo: string; expiresInMinutes: number | null };

/** For the settings form: how each provider's pasted token looks, by provider slug (null: not pasteable). */
export async function listPasteHints(db: Db, ctx: WorkspaceContext): Promise<Record<string, PasteHint | null>> {
  const catalog = await loadCatalog(db, ctx.workspace.id);
  return Object.fromEntries(
    catalog.map((p) => {
      const rule = pasteRuleFor(p.cli);
      return [p.slug, rule && { shape: rule.shape, howTo: rule.howTo, expiresInMinutes: rule.lifetimeMs && rule.lifetimeMs / 60_000 }];
    }),
  );
}

async function providerOrThrow(db: Db, ctx: WorkspaceContext, slug: string): Promise<CatalogProvider> {
  const provider = (await loadCatalog(db, ctx.workspace.id)).find((p) => p.slug === slug && p.enabled);
  if (!provider) throw notFound("provider", "This provider");
  return provider;
}

/** Admins: seal the pasted token with the process's key ring and mark the provider connected. */
export async function connectWithToken(db: Db, ctx: WorkspaceContext, providerSlug: string, input: unknown): Promise<ProviderConfigJson> {
  requireRole(ctx, "admin");
  const provider = await providerOrThrow(db, ctx, providerSlug);
  const parsed = parseInput(connectTokenSchema, input, "connection");
  const { token, rule } = checkPastedToken(provider, parsed.token);
  const now = Date.now();
  const expiresAt = parsed.expires_at ? new Date(parsed.expires_at) : rule.lifetimeMs ? new Date(now + rule.lifetimeMs) : null;
  if (expiresAt && expiresAt.getTime() <= now) {
    throw new DispatchError("bad_request:connection", "This token has already expired.", { field: "expires_at" });
  }
  // The same loader the worker uses, so the worker can open what the web sealed.
  const sealed = seal(keyRing(dataDir()), token);
  try {
    await storeConnection(db, {
      workspaceId: ctx.workspace.id,
      providerId: provider.id,
      keyId: sealed.keyId,
      accessTokenCiphertext: sealed.ciphertext,
      expiresAt,
      connectedBy: ctx.userId,
    });
  } catch (err) {
    console.error(`[connection] storing the connection failed: ${describeError(err)}`);
    throw new DispatchError("internal:connection", "Could not save the connection. Please try again.");
  }
  // Mentions that waited for this connection start now.
  await admitWaiting(db, { workspaceId: ctx.workspace.id, providerId: provider.id });
  return getProviderConfig(db, ctx, provider.slug);
}

/**
 * Admins: forget the provider's tokens; its toggles and limits stay as they were. When the
 * provider's OAuth server has a revocation endpoint the tokens are revoked there first (best
 * effort: an unreachable server does not keep a token here).
 */
export async function disconnect(db: Db, ctx: WorkspaceContext, providerSlug: string): Promise<ProviderConfigJson> {
  requireRole(ctx, "admin");
  const provider = await providerOrThrow(db, ctx, providerSlug);
  await revokeStoredTokens(provider);
  await clearConnection(db, { workspaceId: ctx.workspace.id, providerId: provider.id });
  return getProviderConfig(db, ctx, provider.slug);
}

async function revokeStoredTokens(provider: CatalogProvider): Promise<void> {
  const c = provider.config;
  const config = oauthConfigFor(provider.slug);
  if (!config?.revokeUrl || !c?.tokenKeyId) return;
  const ring = keyRing(dataDir());
  // The refresh token first: revoking it ends the whole grant at most servers (RFC 7009 §2.1).
  for (const ciphertext of [c.refreshTokenCiphertext, c.accessTokenCiphertext]) {
    if (!ciphertext) continue;
    let token: string;
    try {
      token = open(ring, { keyId: c.tokenKeyId, ciphertext });
    } catch {
      continue; // undecryptable: nothing to revoke, and it is deleted next
    }
    await revokeToken(config, token);
  }
}

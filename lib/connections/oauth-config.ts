/**
 * Where a model provider's OAuth 2.0 authorization server lives, from the environment:
 * DISPATCH_OAUTH_<PROVIDER>_AUTHORIZE_URL, _TOKEN_URL, _CLIENT_ID, _SCOPES (required),
 * _CLIENT_SECRET (confidential clients only) and _REVOKE_URL (optional). <PROVIDER> is the
 * provider's slug in capitals: DISPATCH_OAUTH_CLAUDE_…, DISPATCH_OAUTH_GEMINI_….
 */
export type OAuthClientConfig = {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  revokeUrl: string | null;
  /** Parameters a server wants on its authorization page beyond RFC 6749's (GitHub: allow_signup). */
  authorizeParams?: Record<string, string>;
};

export type OAuthSetup = { ok: true; config: OAuthClientConfig } | { ok: false; missing: string[]; invalid: string[] };

type Source = Record<string, string | undefined>;

export const oauthVariablePrefix = (providerSlug: string) => `DISPATCH_OAUTH_${providerSlug.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_`;

const REQUIRED = ["AUTHORIZE_URL", "TOKEN_URL", "CLIENT_ID", "SCOPES"] as const;
const URLS = ["AUTHORIZE_URL", "TOKEN_URL", "REVOKE_URL"] as const;

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The provider's configuration, or the variables still to set (missing) or to fix (invalid: not an http(s) URL). */
export function oauthSetup(providerSlug: string, source: Source = process.env): OAuthSetup {
  const prefix = oauthVariablePrefix(providerSlug);
  const read = (name: string) => source[prefix + name]?.trim() || null;
  const missing = REQUIRED.filter((n) => !read(n)).map((n) => prefix + n);
  const invalid = URLS.filter((n) => read(n) && !isHttpUrl(read(n)!)).map((n) => prefix + n);
  if (missing.length || invalid.length) return { ok: false, missing, invalid };
  return {
    ok: true,
    config: {
      authorizeUrl: read("AUTHORIZE_URL")!,
      tokenUrl: read("TOKEN_URL")!,
      clientId: read("CLIENT_ID")!,
      clientSecret: read("CLIENT_SECRET"),
      scopes: read("SCOPES")!,
      revokeUrl: read("REVOKE_URL"),
    },
  };
}

export function oauthConfigFor(providerSlug: string, source: Source = process.env): OAuthClientConfig | null {
  const setup = oauthSetup(providerSlug, source);
  return setup.ok ? setup.config : null;
}

/** For a disabled "Connect with OAuth" button: which variables an operator must set or fix. */
export function oauthSetupHint(setup: OAuthSetup): string | null {
  if (setup.ok) return null;
  const parts = [];
  if (setup.missing.length) parts.push(`set ${setup.missing.join(", ")}`);
  if (setup.invalid.length) parts.push(`make ${setup.invalid.join(", ")} an http(s) URL`);
  return `OAuth is not configured for this provider: ${parts.join(" and ")} in the server's environment.`;
}

import type { Db } from "@/db/client";
import { getProviderBySlug, upsertAgentConfig } from "@/db/queries/agents";
import { getProviderConfig, type ProviderConfigJson } from "@/lib/agents/providers";
import { tokenLogin } from "@/lib/git/github";
import { githubConfig } from "@/lib/git/github-config";
import { admitWaiting } from "@/lib/sessions/admission";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { oauthSetup, oauthSetupHint, type OAuthClientConfig } from "./oauth-config";
import { PASTE_RULES, type PasteRule, type TokenType } from "./pasted-tokens";

/**
 * What differs between the services a workspace connects to: a model provider (kind = its slug)
 * or a forge (kind = "github"). Everything else (OAuth, pasted tokens, storing, refreshing,
 * revoking) is the same code in lib/connections. A new forge is an entry in FORGES.
 */
export type ConnectionKind = {
  kind: string;
  /** The service's name in messages: "Claude", "GitHub". */
  name: string;
  /** Whether it can be connected at all (a provider switched off for every workspace cannot). */
  available: boolean;
  /** Error codes name it: bad_request:<surface>. */
  surface: string;
  /** Settings → <page> manages it; the OAuth callback sends the browser back there. */
  settingsPage: SettingsPage;
  /** The OAuth client, or null with the reason (oauthHint) when the operator has not set one up. */
  oauth: OAuthClientConfig | null;
  oauthHint: string | null;
  paste: PasteRule | null;
  /** What a member reads when only an admin reconnecting helps. */
  reconnectMessage: string;
  /** Whom the token acts as, where the service says. */
  loginFor?: (token: string, tokenType: TokenType) => Promise<string | null>;
  /** After the tokens are stored (failures are logged, the connection stays). */
  onConnected?: (db: Db, workspaceId: string) => Promise<void>;
  /** What the API answers beside the connection after a change (a provider: its settings). */
  view?: (db: Db, ctx: WorkspaceContext) => Promise<{ provider: ProviderConfigJson }>;
};

type SettingsPage = "agents" | "git";

export const GITHUB_RECONNECT = "The GitHub connection has expired and could not be renewed. Ask a workspace admin to reconnect GitHub in Settings → Git.";

const github = (): ConnectionKind => {
  const { oauth } = githubConfig();
  return {
    kind: "github",
    name: "GitHub",
    available: true,
    surface: "git_connection",
    settingsPage: "git",
    oauth,
    oauthHint: oauth ? null : "GitHub OAuth is not configured: set DISPATCH_GITHUB_CLIENT_ID and DISPATCH_GITHUB_CLIENT_SECRET in the server's environment.",
    paste: PASTE_RULES.github!,
    reconnectMessage: GITHUB_RECONNECT,
    loginFor: async (token, tokenType) => (tokenType === "oauth" ? tokenLogin(token) : null),
  };
};

/** Forges by kind: where agents' work is cloned from and pushed to. */
const FORGES: Record<string, () => ConnectionKind> = { github };

function modelProvider(p: { id: string; slug: string; name: string; cli: string; enabled: boolean }): ConnectionKind {
  const setup = oauthSetup(p.slug);
  return {
    kind: p.slug,
    name: p.name,
    available: p.enabled,
    surface: "connection",
    settingsPage: "agents",
    oauth: setup.ok ? setup.config : null,
    oauthHint: oauthSetupHint(setup),
    paste: PASTE_RULES[p.cli] ?? null,
    reconnectMessage: `${p.name}'s connection has expired and could not be renewed. Ask a workspace admin to reconnect ${p.name} in Settings → Agents.`,
    onConnected: async (db, workspaceId) => {
      // The config row holds the limits admission reads; mentions that waited for this connection start now.
      await upsertAgentConfig(db, { workspaceId, providerId: p.id, patch: {} });
      await admitWaiting(db, { workspaceId, providerId: p.id });
    },
    view: async (db, ctx) => ({ provider: await getProviderConfig(db, ctx, p.slug) }),
  };
}

/** The kind's description, or null when nothing of that name can be connected. */
export async function resolveKind(db: Db, kind: string): Promise<ConnectionKind | null> {
  const forge = Object.hasOwn(FORGES, kind) ? FORGES[kind] : undefined;
  if (forge) return forge();
  const provider = await getProviderBySlug(db, kind);
  return provider && modelProvider(provider);
}

/** Which settings page manages the kind, without touching the database (for redirects). */
export const settingsPageOf = (kind: string): SettingsPage => (Object.hasOwn(FORGES, kind) ? FORGES[kind]!().settingsPage : "agents");

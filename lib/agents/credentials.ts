import type { Db } from "@/db/client";
import { getConnection, markNeedsReconnect, storeRefreshedTokens, type ConnectionRow } from "@/db/queries/agents";
import { open, seal, type KeyRing } from "@/lib/crypto/token-box";
import { describeError } from "@/lib/log/describe-error";
import { oauthConfigFor } from "./oauth-config";
import { tokenRequest } from "./oauth";
import { measure } from "@/lib/observability/metrics";

/** A token this close to its expiry is refreshed before a run: runs start slowly and last minutes. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The connection cannot give a working token any more; only an admin reconnecting fixes it. */
export class ReconnectNeededError extends Error {
  constructor(providerName: string) {
    super(`${providerName}'s connection has expired and could not be renewed. Ask a workspace admin to reconnect ${providerName} in Settings → Agents.`);
    this.name = "ReconnectNeededError";
  }
}

const needsRefresh = (expiresAt: Date | null, now = Date.now()) => !!expiresAt && expiresAt.getTime() - now <= REFRESH_MARGIN_MS;

/**
 * The workspace's access token for the provider, refreshed first when it expires within five
 * minutes. null: not connected. Refreshing happens under the config row's lock and re-checks
 * the expiry after taking it, so concurrent sessions refresh once and the others read the
 * result. A refresh the server refuses marks the connection needs_reconnect and throws
 * ReconnectNeededError.
 */
export async function getFreshAccessToken(db: Db, ring: KeyRing, args: { workspaceId: string; providerId: string }): Promise<string | null> {
  const row = await getConnection(db, args);
  if (!row || !usable(row)) return null;
  if (row.config.connectionStatus === "needs_reconnect") throw new ReconnectNeededError(row.provider.name);
  if (!needsRefresh(row.config.tokenExpiresAt)) return accessToken(ring, row);

  const outcome = await db.transaction(async (tx) => {
    const locked = await getConnection(tx, { ...args, lock: true });
    if (!locked || !usable(locked)) return { token: null };
    if (locked.config.connectionStatus === "needs_reconnect") return { reconnect: locked.provider.name };
    // Another session refreshed while this one waited for the lock.
    if (!needsRefresh(locked.config.tokenExpiresAt)) return { token: accessToken(ring, locked) };
    if (!locked.config.refreshTokenCiphertext) {
      // Still usable for a few minutes: let this run try; once expired only a reconnect helps.
      if (locked.config.tokenExpiresAt!.getTime() > Date.now()) return { token: accessToken(ring, locked) };
      await markNeedsReconnect(tx, locked.config.id);
      return { reconnect: locked.provider.name };
    }
    const config = oauthConfigFor(locked.provider.slug);
    const refreshToken = open(ring, { keyId: locked.config.tokenKeyId!, ciphertext: locked.config.refreshTokenCiphertext });
    try {
      if (!config) throw new Error(`OAuth is not configured for ${locked.provider.slug}`);
      const fresh = await tokenRequest(config, { grant_type: "refresh_token", refresh_token: refreshToken });
      // Both tokens under the current key: the row names one key for both.
      const access = seal(ring, fresh.accessToken);
      await storeRefreshedTokens(tx, {
        configId: locked.config.id,
        keyId: access.keyId,
        accessTokenCiphertext: access.ciphertext,
        refreshTokenCiphertext: seal(ring, fresh.refreshToken ?? refreshToken).ciphertext,
        expiresAt: fresh.expiresAt,
      });
      measure((m) => m.tokenRefreshes.inc({ provider: locked.provider.slug, result: "ok" }));
      return { token: fresh.accessToken };
    } catch (err) {
      measure((m) => m.tokenRefreshes.inc({ provider: locked.provider.slug, result: "failed" }));
      console.warn(`[credentials] refreshing the ${locked.provider.slug} token of workspace ${args.workspaceId} failed (${describeError(err)}); marked needs_reconnect`);
      await markNeedsReconnect(tx, locked.config.id);
      return { reconnect: locked.provider.name };
    }
  });
  if ("reconnect" in outcome) throw new ReconnectNeededError(outcome.reconnect!);
  return outcome.token;
}

function usable(row: ConnectionRow): boolean {
  const c = row.config;
  return c.connectionStatus !== "disconnected" && !!c.accessTokenCiphertext && !!c.tokenKeyId;
}

const accessToken = (ring: KeyRing, row: ConnectionRow) => open(ring, { keyId: row.config.tokenKeyId!, ciphertext: row.config.accessTokenCiphertext! });

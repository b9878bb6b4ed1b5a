import type { Db } from "@/db/client";
import { getConnection, markNeedsReconnect, storeRefreshedTokens, type ConnectionRow } from "@/db/queries/connections";
import { open, seal, type KeyRing } from "@/lib/crypto/token-box";
import { describeError } from "@/lib/log/describe-error";
import { resolveKind } from "./kinds";
import { tokenRequest } from "./oauth-client";
import { measure } from "@/lib/observability/metrics";

/** A token this close to its expiry is refreshed before a run: runs start slowly and last minutes. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The connection cannot give a working token any more; only an admin reconnecting fixes it. */
export class ReconnectNeededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReconnectNeededError";
  }
}

export type FreshToken = { token: string; login: string | null };

const expiring = (at: Date | null) => !!at && at.getTime() - Date.now() <= REFRESH_MARGIN_MS;
const read = (ring: KeyRing, row: ConnectionRow): FreshToken => ({ token: open(ring, { keyId: row.tokenKeyId, ciphertext: row.accessTokenCiphertext }), login: row.login });

async function reconnectNeeded(db: Db, kind: string): Promise<ReconnectNeededError> {
  const described = await resolveKind(db, kind).catch(() => null);
  return new ReconnectNeededError(described?.reconnectMessage ?? `The ${kind} connection has expired and could not be renewed. Ask a workspace admin to reconnect it.`);
}

/**
 * The workspace's token of one kind for a run, refreshed first when it expires within five
 * minutes. null: not connected. Refreshing happens under the connection row's lock and re-checks
 * the expiry after taking it, so concurrent runs refresh once and the others read the result. A
 * refresh the server refuses (or that cannot be tried) marks the connection needs_reconnect and
 * throws ReconnectNeededError.
 */
export async function getFreshToken(db: Db, ring: KeyRing, args: { workspaceId: string; kind: string }): Promise<FreshToken | null> {
  const row = await getConnection(db, args);
  if (!row) return null;
  if (row.connectionStatus === "needs_reconnect") throw await reconnectNeeded(db, args.kind);
  if (!expiring(row.tokenExpiresAt)) return read(ring, row);

  const outcome = await db.transaction(async (tx) => {
    const locked = await getConnection(tx, { ...args, lock: true });
    if (!locked) return null;
    if (locked.connectionStatus === "needs_reconnect") return "reconnect" as const;
    // Another run refreshed while this one waited for the lock.
    if (!expiring(locked.tokenExpiresAt)) return read(ring, locked);
    if (!locked.refreshTokenCiphertext) {
      // Still usable for a few minutes: let this run try; once expired only a reconnect helps.
      if (locked.tokenExpiresAt!.getTime() > Date.now()) return read(ring, locked);
      await markNeedsReconnect(tx, locked.id);
      return "reconnect" as const;
    }
    const refreshToken = open(ring, { keyId: locked.tokenKeyId, ciphertext: locked.refreshTokenCiphertext });
    try {
      const oauth = (await resolveKind(tx, args.kind))?.oauth;
      if (!oauth) throw new Error(`OAuth is not configured for ${args.kind}`);
      const fresh = await tokenRequest(oauth, { grant_type: "refresh_token", refresh_token: refreshToken });
      // Both tokens under the current key: the row names one key for both.
      const access = seal(ring, fresh.accessToken);
      await storeRefreshedTokens(tx, locked.id, {
        keyId: access.keyId,
        accessTokenCiphertext: access.ciphertext,
        refreshTokenCiphertext: seal(ring, fresh.refreshToken ?? refreshToken).ciphertext,
        expiresAt: fresh.expiresAt,
      });
      measure((m) => m.tokenRefreshes.inc({ provider: args.kind, result: "ok" }));
      return { token: fresh.accessToken, login: locked.login };
    } catch (err) {
      measure((m) => m.tokenRefreshes.inc({ provider: args.kind, result: "failed" }));
      console.warn(`[connections] refreshing the ${args.kind} token of workspace ${args.workspaceId} failed (${describeError(err)}); marked needs_reconnect`);
      await markNeedsReconnect(tx, locked.id);
      return "reconnect" as const;
    }
  });
  if (outcome === "reconnect") throw await reconnectNeeded(db, args.kind);
  return outcome;
}

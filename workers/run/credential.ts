import type { Db } from "@/db/client";
import type { RunContext } from "@/db/queries/session-run-context";
import { getFreshAccessToken, ReconnectNeededError } from "@/lib/agents/credentials";
import type { KeyRing } from "@/lib/crypto/token-box";

/** The access token, refreshed first when it is about to expire; a connection that cannot be renewed says so. */
export async function providerCredential(db: Db, keyRing: KeyRing, ctx: RunContext): Promise<string | { reconnect: string } | null> {
  const c = ctx.config;
  if (!c || c.connectionStatus === "disconnected" || !c.accessTokenCiphertext || !c.tokenKeyId) return null;
  try {
    return await getFreshAccessToken(db, keyRing, { workspaceId: c.workspaceId, providerId: c.providerId });
  } catch (err) {
    if (err instanceof ReconnectNeededError) return { reconnect: err.message };
    throw err;
  }
}

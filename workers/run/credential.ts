import type { Db } from "@/db/client";
import type { RunContext } from "@/db/queries/session-run-context";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import type { KeyRing } from "@/lib/crypto/token-box";

/** The access token, refreshed first when it is about to expire; a connection that cannot be renewed says so. */
export async function providerCredential(db: Db, keyRing: KeyRing, ctx: RunContext): Promise<string | { reconnect: string } | null> {
  try {
    return (await getFreshToken(db, keyRing, { workspaceId: ctx.session.workspaceId, kind: ctx.provider.slug }))?.token ?? null;
  } catch (err) {
    if (err instanceof ReconnectNeededError) return { reconnect: err.message };
    throw err;
  }
}

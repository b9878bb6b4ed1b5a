import { dataDir, type Db } from "@/db/client";
import { getConnection, markNeedsReconnect, storeConnection } from "@/db/queries/connections";
import { keyRing, seal } from "@/lib/crypto/token-box";

/**
 * Connects a kind (a provider's slug, "github") as a pasted token would, for tests that need it
 * connected: with the given sealed token, else a placeholder sealed by the process's key ring.
 */
export async function connectForTest(
  db: Db,
  args: { workspaceId: string; kind: string; sealed?: { keyId: string; ciphertext: string }; refreshCiphertext?: string | null; status?: "connected" | "needs_reconnect" },
): Promise<void> {
  const sealed = args.sealed ?? seal(keyRing(dataDir()), `sk-ant-oat01-${"t".repeat(40)}`);
  await storeConnection(db, {
    workspaceId: args.workspaceId,
    kind: args.kind,
    connectedBy: null,
    tokenType: "oauth",
    login: null,
    keyId: sealed.keyId,
    accessTokenCiphertext: sealed.ciphertext,
    refreshTokenCiphertext: args.refreshCiphertext ?? null,
    expiresAt: null,
  });
  if (args.status === "needs_reconnect") await markNeedsReconnect(db, (await getConnection(db, args))!.id);
}

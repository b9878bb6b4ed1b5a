import { and, eq, isNotNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { workspaceAgentConfigs } from "../schema";

export type SealedRow = { id: string; keyId: string; access: string | null; refresh: string | null };

/** Every stored connection that holds a ciphertext. */
export async function listSealedTokens(db: Db): Promise<SealedRow[]> {
  const rows = await db
    .select({ id: workspaceAgentConfigs.id, keyId: workspaceAgentConfigs.tokenKeyId, access: workspaceAgentConfigs.accessTokenCiphertext, refresh: workspaceAgentConfigs.refreshTokenCiphertext })
    .from(workspaceAgentConfigs)
    .where(and(isNotNull(workspaceAgentConfigs.tokenKeyId), or(isNotNull(workspaceAgentConfigs.accessTokenCiphertext), isNotNull(workspaceAgentConfigs.refreshTokenCiphertext))));
  return rows.map((r) => ({ ...r, keyId: r.keyId! }));
}

/** Replaces the ciphertexts only if the row is still sealed as read (a reconnect in between wins). */
export async function resealTokens(db: Db, row: SealedRow, next: { keyId: string; access: string | null; refresh: string | null }): Promise<boolean> {
  const updated = await db
    .update(workspaceAgentConfigs)
    .set({ tokenKeyId: next.keyId, accessTokenCiphertext: next.access, refreshTokenCiphertext: next.refresh, updatedAt: new Date() })
    .where(and(eq(workspaceAgentConfigs.id, row.id), eq(workspaceAgentConfigs.tokenKeyId, row.keyId)))
    .returning({ id: workspaceAgentConfigs.id });
  return updated.length > 0;
}

import { and, eq, isNotNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { workspaceAgentConfigs, workspaceGitConnections } from "../schema";

/** A stored connection's ciphertexts: a model provider's (`agent`) or GitHub's (`git`). */
export type SealedRow = { table: "agent" | "git"; id: string; keyId: string; access: string | null; refresh: string | null };

/** Every stored connection that holds a ciphertext. */
export async function listSealedTokens(db: Db): Promise<SealedRow[]> {
  const agents = await db
    .select({ id: workspaceAgentConfigs.id, keyId: workspaceAgentConfigs.tokenKeyId, access: workspaceAgentConfigs.accessTokenCiphertext, refresh: workspaceAgentConfigs.refreshTokenCiphertext })
    .from(workspaceAgentConfigs)
    .where(and(isNotNull(workspaceAgentConfigs.tokenKeyId), or(isNotNull(workspaceAgentConfigs.accessTokenCiphertext), isNotNull(workspaceAgentConfigs.refreshTokenCiphertext))));
  const git = await db
    .select({ id: workspaceGitConnections.id, keyId: workspaceGitConnections.tokenKeyId, access: workspaceGitConnections.accessTokenCiphertext, refresh: workspaceGitConnections.refreshTokenCiphertext })
    .from(workspaceGitConnections);
  return [...agents.map((r) => ({ ...r, table: "agent" as const, keyId: r.keyId! })), ...git.map((r) => ({ ...r, table: "git" as const }))];
}

/** Replaces the ciphertexts only if the row is still sealed as read (a reconnect in between wins). */
export async function resealTokens(db: Db, row: SealedRow, next: { keyId: string; access: string | null; refresh: string | null }): Promise<boolean> {
  const now = new Date();
  if (row.table === "git") {
    const updated = await db
      .update(workspaceGitConnections)
      .set({ tokenKeyId: next.keyId, accessTokenCiphertext: next.access!, refreshTokenCiphertext: next.refresh, updatedAt: now })
      .where(and(eq(workspaceGitConnections.id, row.id), eq(workspaceGitConnections.tokenKeyId, row.keyId)))
      .returning({ id: workspaceGitConnections.id });
    return updated.length > 0;
  }
  const updated = await db
    .update(workspaceAgentConfigs)
    .set({ tokenKeyId: next.keyId, accessTokenCiphertext: next.access, refreshTokenCiphertext: next.refresh, updatedAt: now })
    .where(and(eq(workspaceAgentConfigs.id, row.id), eq(workspaceAgentConfigs.tokenKeyId, row.keyId)))
    .returning({ id: workspaceAgentConfigs.id });
  return updated.length > 0;
}

import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { users, workspaceGitConnections, type GitConnection } from "../schema";

export type GitConnectionRow = GitConnection & { connectedByName: string | null };

export async function getGitConnection(db: Db, workspaceId: string, opts: { lock?: boolean } = {}): Promise<GitConnectionRow | undefined> {
  const q = db
    .select({ c: workspaceGitConnections, connectedByName: users.name })
    .from(workspaceGitConnections)
    .leftJoin(users, eq(users.id, workspaceGitConnections.connectedBy))
    .where(eq(workspaceGitConnections.workspaceId, workspaceId));
  const [row] = opts.lock ? await q.for("update", { of: workspaceGitConnections }) : await q;
  return row ? { ...row.c, connectedByName: row.connectedByName } : undefined;
}

export type StoredGitToken = {
  kind: "oauth" | "installation";
  login: string | null;
  keyId: string;
  accessTokenCiphertext: string;
  refreshTokenCiphertext: string | null;
  expiresAt: Date | null;
};

/** Connects (or reconnects) the workspace: one row per workspace. */
export async function storeGitConnection(db: Db, args: { workspaceId: string; connectedBy: string } & StoredGitToken): Promise<void> {
  const now = new Date();
  const values = {
    kind: args.kind,
    connectionStatus: "connected" as const,
    login: args.login,
    accessTokenCiphertext: args.accessTokenCiphertext,
    refreshTokenCiphertext: args.refreshTokenCiphertext,
    tokenKeyId: args.keyId,
    tokenExpiresAt: args.expiresAt,
    connectedBy: args.connectedBy,
    connectedAt: now,
    updatedAt: now,
  };
  await db
    .insert(workspaceGitConnections)
    .values({ workspaceId: args.workspaceId, ...values })
    .onConflictDoUpdate({ target: workspaceGitConnections.workspaceId, set: values });
}

export async function updateGitTokens(db: Db, id: string, next: { keyId: string; accessTokenCiphertext: string; refreshTokenCiphertext: string | null; expiresAt: Date | null }) {
  await db
    .update(workspaceGitConnections)
    .set({ tokenKeyId: next.keyId, accessTokenCiphertext: next.accessTokenCiphertext, refreshTokenCiphertext: next.refreshTokenCiphertext, tokenExpiresAt: next.expiresAt, updatedAt: new Date() })
    .where(eq(workspaceGitConnections.id, id));
}

export async function markGitNeedsReconnect(db: Db, id: string) {
  await db.update(workspaceGitConnections).set({ connectionStatus: "needs_reconnect", updatedAt: new Date() }).where(eq(workspaceGitConnections.id, id));
}

export async function deleteGitConnection(db: Db, workspaceId: string): Promise<GitConnection | undefined> {
  const [row] = await db.delete(workspaceGitConnections).where(eq(workspaceGitConnections.workspaceId, workspaceId)).returning();
  return row;
}

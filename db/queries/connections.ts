import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { users, workspaceConnections, type Connection } from "../schema";

/** A stored connection with the name of who connected it. */
export type ConnectionRow = Connection & { connectedByName: string | null };

export type TokenSet = { keyId: string; accessTokenCiphertext: string; refreshTokenCiphertext: string | null; expiresAt: Date | null };

const where = (args: { workspaceId: string; kind: string }) => and(eq(workspaceConnections.workspaceId, args.workspaceId), eq(workspaceConnections.kind, args.kind));

/** The workspace's connection of one kind; `lock` takes a row lock (inside a transaction). */
export async function getConnection(db: Db, args: { workspaceId: string; kind: string; lock?: boolean }): Promise<ConnectionRow | undefined> {
  const q = db
    .select({ c: workspaceConnections, connectedByName: users.name })
    .from(workspaceConnections)
    .leftJoin(users, eq(users.id, workspaceConnections.connectedBy))
    .where(where(args));
  const [row] = args.lock ? await q.for("update", { of: workspaceConnections }) : await q;
  return row ? { ...row.c, connectedByName: row.connectedByName } : undefined;
}

/** Every connection of the workspace, whatever its kind. */
export async function listConnections(db: Db, workspaceId: string): Promise<ConnectionRow[]> {
  const rows = await db
    .select({ c: workspaceConnections, connectedByName: users.name })
    .from(workspaceConnections)
    .leftJoin(users, eq(users.id, workspaceConnections.connectedBy))
    .where(eq(workspaceConnections.workspaceId, workspaceId));
  return rows.map((r) => ({ ...r.c, connectedByName: r.connectedByName }));
}

/**
 * Connects (or reconnects) the kind, replacing whatever was there. A token that comes without a
 * refresh token drops the old one: it must not outlive the token it belonged to.
 */
export async function storeConnection(
  db: Db,
  args: { workspaceId: string; kind: string; connectedBy: string | null; tokenType: string; login: string | null } & TokenSet,
): Promise<void> {
  const now = new Date();
  const values = {
    tokenType: args.tokenType,
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
    .insert(workspaceConnections)
    .values({ workspaceId: args.workspaceId, kind: args.kind, ...values })
    .onConflictDoUpdate({ target: [workspaceConnections.workspaceId, workspaceConnections.kind], set: values });
}

/** A refresh succeeded: the new access token, and the rotated refresh token when the server sent one. */
export async function storeRefreshedTokens(db: Db, id: string, next: TokenSet): Promise<void> {
  await db
    .update(workspaceConnections)
    .set({
      tokenKeyId: next.keyId,
      accessTokenCiphertext: next.accessTokenCiphertext,
      refreshTokenCiphertext: next.refreshTokenCiphertext,
      tokenExpiresAt: next.expiresAt,
      connectionStatus: "connected",
      updatedAt: new Date(),
    })
    .where(eq(workspaceConnections.id, id));
}

export async function markNeedsReconnect(db: Db, id: string): Promise<void> {
  await db.update(workspaceConnections).set({ connectionStatus: "needs_reconnect", updatedAt: new Date() }).where(eq(workspaceConnections.id, id));
}

/** Forgets the kind's tokens and who connected it. */
export async function deleteConnection(db: Db, args: { workspaceId: string; kind: string }): Promise<Connection | undefined> {
  const [row] = await db.delete(workspaceConnections).where(where(args)).returning();
  return row;
}

/** A stored connection's ciphertexts, for key rotation. */
export type SealedRow = { id: string; keyId: string; access: string; refresh: string | null };

/** Every stored connection: each holds a ciphertext. */
export async function listSealedTokens(db: Db): Promise<SealedRow[]> {
  return db
    .select({ id: workspaceConnections.id, keyId: workspaceConnections.tokenKeyId, access: workspaceConnections.accessTokenCiphertext, refresh: workspaceConnections.refreshTokenCiphertext })
    .from(workspaceConnections);
}

/** Replaces the ciphertexts only if the row is still sealed as read (a reconnect in between wins). */
export async function resealTokens(db: Db, row: SealedRow, next: { keyId: string; access: string; refresh: string | null }): Promise<boolean> {
  const updated = await db
    .update(workspaceConnections)
    .set({ tokenKeyId: next.keyId, accessTokenCiphertext: next.access, refreshTokenCiphertext: next.refresh, updatedAt: new Date() })
    .where(and(eq(workspaceConnections.id, row.id), eq(workspaceConnections.tokenKeyId, row.keyId)))
    .returning({ id: workspaceConnections.id });
  return updated.length > 0;
}

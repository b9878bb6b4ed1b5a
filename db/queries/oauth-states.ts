import { eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { oauthStates, type OAuthState } from "../schema";

export type NewOAuthState = Omit<typeof oauthStates.$inferInsert, "id" | "createdAt">;

/** Records a pending authorization; expired ones are swept on the way (nobody else cleans them). */
export async function insertOAuthState(db: Db, values: NewOAuthState): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date()));
  await db.insert(oauthStates).values(values);
}

/** Takes the pending authorization out: a second call with the same state finds nothing. */
export async function consumeOAuthState(db: Db, stateHash: string): Promise<OAuthState | undefined> {
  const [row] = await db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
  return row;
}

import { eq, and, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authIdentities, users, type User } from "../schema";

export async function getUserById(db: Db, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function getUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function insertUser(
  db: Db,
  values: { email: string; name: string; passwordHash?: string | null; image?: string | null },
): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning();
  return row!;
}

export async function getUserByIdentity(db: Db, provider: string, subject: string): Promise<User | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(authIdentities)
    .innerJoin(users, eq(users.id, authIdentities.userId))
    .where(and(eq(authIdentities.provider, provider), eq(authIdentities.subject, subject)));
  return row?.user;
}

export async function insertIdentity(db: Db, values: { userId: string; provider: string; subject: string }) {
  await db.insert(authIdentities).values(values);
}

/**
 * Ends every session of the user issued at `from` (a sign-out) or at any version (`from` omitted:
 * removal by an admin). A sign-out with an already-ended token changes nothing, so an old cookie
 * cannot sign the user out of the sessions that came after it.
 */
export async function bumpSessionVersion(db: Db, userId: string, from?: number): Promise<boolean> {
  const where = from === undefined ? eq(users.id, userId) : and(eq(users.id, userId), eq(users.sessionVersion, from));
  const rows = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(where)
    .returning({ id: users.id });
  return rows.length > 0;
}

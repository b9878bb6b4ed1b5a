import { z } from "zod";
import type { Db } from "@/db/client";
import { getUserByEmail, getUserByIdentity, insertIdentity, insertUser } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { DispatchError } from "@/lib/errors";
import { isUniqueViolation, parseInput } from "@/lib/validation";

export const signUpSchema = z.object({
  name: z.string({ required_error: "Name is required." }).trim().min(1, "Name is required.").max(80, "Name must be at most 80 characters."),
  email: z.string({ required_error: "Email is required." }).trim().toLowerCase().email("Enter a valid email address."),
  password: z
    .string({ required_error: "Password is required." })
    .min(8, "Password must be at least 8 characters.")
    .max(200, "Password must be at most 200 characters."),
});

export type PublicUser = Pick<User, "id" | "email" | "name" | "image">;

const toPublic = (u: User): PublicUser => ({ id: u.id, email: u.email, name: u.name, image: u.image });

export async function signUp(db: Db, input: unknown): Promise<PublicUser> {
  const { name, email, password } = parseInput(signUpSchema, input, "signup");
  const taken = () => new DispatchError("conflict:email", "An account with this email already exists. Sign in instead.", { field: "email" });
  if (await getUserByEmail(db, email)) throw taken();
  try {
    return toPublic(await insertUser(db, { name, email, passwordHash: await hashPassword(password) }));
  } catch (err) {
    if (isUniqueViolation(err, "users_email_key")) throw taken();
    throw err;
  }
}

// Verifying against a fixed hash when the user is unknown keeps the response time from revealing who has an account.
let dummyHash: Promise<string> | undefined;

export async function authenticate(db: Db, email: string, password: string): Promise<PublicUser | null> {
  const user = await getUserByEmail(db, email.trim());
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? toPublic(user) : null;
}

/**
 * GitHub / OpenID Connect sign-in: the provider's subject id is the link. An email that already
 * belongs to another account is not merged silently (that would let a provider with unverified
 * emails take the account over).
 */
export async function findOrCreateOAuthUser(
  db: Db,
  profile: { provider: string; subject: string; email: string; name: string; image?: string | null },
): Promise<PublicUser> {
  const linked = await getUserByIdentity(db, profile.provider, profile.subject);
  if (linked) return toPublic(linked);
  if (await getUserByEmail(db, profile.email)) {
    throw new DispatchError("conflict:email", "An account with this email already exists. Sign in with your password.");
  }
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, { email: profile.email, name: profile.name || profile.email, image: profile.image ?? null });
    await insertIdentity(tx, { userId: user.id, provider: profile.provider, subject: profile.subject });
    return toPublic(user);
  });
}

import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getUserById } from "@/db/queries/users";
import type { PublicUser } from "@/lib/users/service";
import { authOptions } from "./options";

/** The signed-in user, re-read from the database so a deleted account loses access at once. */
export async function getCurrentUser(): Promise<PublicUser | null> {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getUserById(getDb(), id);
  return user ? { id: user.id, email: user.email, name: user.name, image: user.image } : null;
}

/** For pages: the user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(returnTo?: string): Promise<PublicUser> {
  const user = await getCurrentUser();
  if (!user) redirect(returnTo ? `/signin?callbackUrl=${encodeURIComponent(returnTo)}` : "/signin");
  return user;
}

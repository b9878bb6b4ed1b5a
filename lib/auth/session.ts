import "server-only";
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getUserById } from "@/db/queries/users";
import type { PublicUser } from "@/lib/users/service";
import { authOptions } from "./options";
import { authSecret } from "./secret";

async function loadUser(id: string | undefined): Promise<PublicUser | null> {
  if (!id) return null;
  const user = await getUserById(getDb(), id);
  return user ? { id: user.id, email: user.email, name: user.name, image: user.image } : null;
}

/** The signed-in user, re-read from the database so a deleted account loses access at once. */
export async function getCurrentUser(): Promise<PublicUser | null> {
  const session = await getServerSession(authOptions());
  return loadUser(session?.user?.id);
}

/** The same, read from a route handler's own request: the next-auth session cookie, verified. */
export async function getRequestUser(req: Request): Promise<PublicUser | null> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) cookies[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  const token = await getToken({ req: { cookies, headers: req.headers } as unknown as Parameters<typeof getToken>[0]["req"], secret: authSecret() });
  return loadUser(typeof token?.uid === "string" ? token.uid : undefined);
}

/** For pages: the user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(returnTo?: string): Promise<PublicUser> {
  const user = await getCurrentUser();
  if (!user) redirect(returnTo ? `/signin?callbackUrl=${encodeURIComponent(returnTo)}` : "/signin");
  return user;
}

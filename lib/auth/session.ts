import "server-only";
import { getToken, type JWT } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getUserById } from "@/db/queries/users";
import type { PublicUser } from "@/lib/users/service";
import { safeCallbackUrl } from "./callback-url";
import { authSecret } from "./secret";
import { isCurrentSession } from "./session-version";

/**
 * The token's user, re-read from the database: a deleted account, or a session ended by sign-out
 * or removal (its version is behind the user's), loses access at once.
 */
async function userOf(token: JWT | null): Promise<PublicUser | null> {
  if (typeof token?.uid !== "string") return null;
  const user = await getUserById(getDb(), token.uid);
  if (!user || !isCurrentSession(user, token)) return null;
  return { id: user.id, email: user.email, name: user.name, image: user.image };
}

/** The next-auth session cookie, verified and decoded (null: none, forged or expired). */
function readToken(cookieValues: Record<string, string>, requestHeaders: Headers): Promise<JWT | null> {
  return getToken({ req: { cookies: cookieValues, headers: requestHeaders } as unknown as Parameters<typeof getToken>[0]["req"], secret: authSecret() });
}

/** The signed-in user of the page or server action being rendered. */
export async function getCurrentUser(): Promise<PublicUser | null> {
  const jar = await cookies();
  return userOf(await readToken(Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])), await headers()));
}

/** The same, read from a route handler's own request. */
export async function getRequestUser(req: Request): Promise<PublicUser | null> {
  const values: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) values[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return userOf(await readToken(values, req.headers));
}

/** For pages: the user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(returnTo?: string): Promise<PublicUser> {
  const user = await getCurrentUser();
  if (!user) redirect(returnTo ? `/signin?callbackUrl=${encodeURIComponent(safeCallbackUrl(returnTo))}` : "/signin");
  return user;
}

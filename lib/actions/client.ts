import "server-only";
import { getDb, type Db } from "@/db/client";
import { getCurrentUser } from "@/lib/auth/session";
import { DispatchError, toDispatchError } from "@/lib/errors";
import type { PublicUser } from "@/lib/users/service";
import { loadWorkspaceContext, type WorkspaceContext } from "@/lib/workspaces/access";
import type { ActionResult } from "./result";

export async function userAction<T>(body: (args: { user: PublicUser; db: Db }) => Promise<T>): Promise<ActionResult<T>> {
  try {
    const user = await getCurrentUser();
    if (!user) throw new DispatchError("unauthorized:session", "Your session has ended. Sign in again.");
    return { ok: true, data: await body({ user, db: getDb() }) };
  } catch (err) {
    return { ok: false, error: toDispatchError(err).toJSON() };
  }
}

/** Loads the membership of `slug` first: a non-member gets the same not_found as a missing workspace. */
export async function workspaceAction<T>(
  slug: unknown,
  body: (args: { user: PublicUser; db: Db; ctx: WorkspaceContext }) => Promise<T>,
): Promise<ActionResult<T>> {
  return userAction(async ({ user, db }) => {
    if (typeof slug !== "string") throw new DispatchError("not_found:workspace", "This workspace does not exist or you do not have access to it.");
    const ctx = await loadWorkspaceContext(db, slug, user.id);
    return body({ user, db, ctx });
  });
}

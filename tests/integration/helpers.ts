import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { signUp } from "@/lib/users/service";
import { loadWorkspaceContext, type WorkspaceContext } from "@/lib/workspaces/access";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import type { WorkspaceRole } from "@/db/schema";

/** A migrated connection to this run's PostgreSQL database. */
export async function openTestPostgres(): Promise<DbHandle> {
  const url = inject("databaseUrl");
  const handle = openDb({ url });
  await prepareDatabase(handle, url);
  return handle;
}

export const uniq = (prefix = "t") => `${prefix}${randomBytes(4).toString("hex")}`;

export async function makeUser(db: Db, name = "Ada") {
  return signUp(db, { name, email: `${uniq("u")}@example.test`, password: "correct horse battery" });
}

/** A workspace with an admin and, optionally, more members with given roles. */
export async function makeWorkspace(db: Db, roles: WorkspaceRole[] = []) {
  const admin = await makeUser(db, "Admin");
  const ws = await createWorkspace(db, admin.id, { name: "Acme", slug: uniq("acme-") });
  const adminCtx = await loadWorkspaceContext(db, ws.slug, admin.id);
  const members: { user: Awaited<ReturnType<typeof makeUser>>; ctx: WorkspaceContext }[] = [];
  for (const role of roles) {
    const user = await makeUser(db, role);
    await addMember(db, adminCtx, { email: user.email, role });
    members.push({ user, ctx: await loadWorkspaceContext(db, ws.slug, user.id) });
  }
  return { ws, admin, adminCtx, members };
}

import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "../client";
import { users, workspaceMembers, workspaces, type Workspace, type WorkspaceRole } from "../schema";

export async function insertWorkspaceWithAdmin(
  db: Db,
  values: { slug: string; name: string; userId: string },
): Promise<Workspace> {
  return db.transaction(async (tx) => {
    const [ws] = await tx
      .insert(workspaces)
      .values({ slug: values.slug, name: values.name, createdBy: values.userId })
      .returning();
    await tx.insert(workspaceMembers).values({ workspaceId: ws!.id, userId: values.userId, role: "admin" });
    return ws!;
  });
}

/** The workspace and the user's role in it, or undefined when either is missing: callers answer 404 for both. */
export async function getWorkspaceMembership(db: Db, slug: string, userId: string) {
  const [row] = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaces)
    .innerJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.userId, userId)))
    .where(eq(workspaces.slug, slug));
  return row;
}

export async function listWorkspacesForUser(db: Db, userId: string) {
  return db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.name));
}

export type MemberRow = { userId: string; email: string; name: string; role: WorkspaceRole; joinedAt: Date };

export async function listMembers(db: Db, workspaceId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: workspaceMembers.role,
      joinedAt: workspaceMembers.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(users.name), asc(users.email));
}

export async function getMemberRole(db: Db, workspaceId: string, userId: string): Promise<WorkspaceRole | undefined> {
  const [row] = await db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return row?.role;
}

export async function insertMember(db: Db, values: { workspaceId: string; userId: string; role: WorkspaceRole }) {
  const [row] = await db.insert(workspaceMembers).values(values).onConflictDoNothing().returning();
  return row;
}

/**
 * Changes a role or removes a member unless that would leave the workspace without an admin.
 * The workspace row is locked first, so two admins demoting each other at once cannot both succeed.
 */
export async function changeMembership(
  db: Db,
  args: { workspaceId: string; userId: string; role: WorkspaceRole | null },
): Promise<"ok" | "not_member" | "last_admin"> {
  return db.transaction(async (tx) => {
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, args.workspaceId)).for("update");
    const current = await getMemberRole(tx, args.workspaceId, args.userId);
    if (!current) return "not_member";
    if (current === "admin" && args.role !== "admin") {
      const [admins] = await tx
        .select({ n: count() })
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.workspaceId, args.workspaceId), eq(workspaceMembers.role, "admin")));
      if ((admins?.n ?? 0) <= 1) return "last_admin";
    }
    const where = and(eq(workspaceMembers.workspaceId, args.workspaceId), eq(workspaceMembers.userId, args.userId));
    if (args.role === null) await tx.delete(workspaceMembers).where(where);
    else await tx.update(workspaceMembers).set({ role: args.role }).where(where);
    return "ok";
  });
}

import type { Db } from "@/db/client";
import { bumpSessionVersion, getUserByEmail } from "@/db/queries/users";
import { changeMembership, insertMember, insertWorkspaceWithAdmin, listMembers, listWorkspacesForUser } from "@/db/queries/workspaces";
import type { Workspace, WorkspaceRole } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { isUniqueViolation, isUuid, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "./access";
import { addMemberSchema, changeRoleSchema, createWorkspaceSchema } from "./schemas";

export async function createWorkspace(db: Db, userId: string, input: unknown): Promise<Workspace> {
  const { name, slug } = parseInput(createWorkspaceSchema, input, "workspace");
  try {
    return await insertWorkspaceWithAdmin(db, { name, slug, userId });
  } catch (err) {
    if (isUniqueViolation(err, "workspaces_slug_key")) {
      throw new DispatchError("conflict:workspace_slug", `The URL slug "${slug}" is already taken.`, { field: "slug" });
    }
    throw err;
  }
}

/** The workspaces a user belongs to, with their role in each. */
export function getMyWorkspaces(db: Db, userId: string) {
  return listWorkspacesForUser(db, userId);
}

export async function getMembers(db: Db, ctx: WorkspaceContext) {
  return listMembers(db, ctx.workspace.id);
}

export async function addMember(db: Db, ctx: WorkspaceContext, input: unknown) {
  requireRole(ctx, "admin");
  const { email, role } = parseInput(addMemberSchema, input, "member");
  const user = await getUserByEmail(db, email);
  if (!user) {
    throw new DispatchError("not_found:user", `No one has signed up with ${email} yet. Ask them to sign up first.`, { field: "email" });
  }
  const added = await insertMember(db, { workspaceId: ctx.workspace.id, userId: user.id, role });
  if (!added) throw new DispatchError("conflict:member", `${email} is already a member of this workspace.`, { field: "email" });
  return { userId: user.id, email: user.email, name: user.name, role: added.role, joinedAt: added.createdAt };
}

export async function changeMemberRole(db: Db, ctx: WorkspaceContext, userId: string, input: unknown): Promise<WorkspaceRole> {
  requireRole(ctx, "admin");
  if (!isUuid(userId)) throw notFound("member", "This member");
  const { role } = parseInput(changeRoleSchema, input, "member");
  assertMembershipChanged(await changeMembership(db, { workspaceId: ctx.workspace.id, userId, role }));
  return role;
}

/** Admins remove anyone; any member may remove themselves (leave). Never the last admin. */
/**
 * Removes a member, or the caller leaves. Removed by an admin, the person's sessions end too (all
 * of them: a session is not tied to one workspace), so nothing they had open keeps working.
 */
export async function removeMember(db: Db, ctx: WorkspaceContext, userId: string): Promise<void> {
  const byAdmin = userId !== ctx.userId;
  if (byAdmin) requireRole(ctx, "admin");
  if (!isUuid(userId)) throw notFound("member", "This member");
  await db.transaction(async (tx) => {
    assertMembershipChanged(await changeMembership(tx, { workspaceId: ctx.workspace.id, userId, role: null }));
    if (byAdmin) await bumpSessionVersion(tx, userId);
  });
}

function assertMembershipChanged(result: Awaited<ReturnType<typeof changeMembership>>): void {
  if (result === "not_member") throw new DispatchError("not_found:member", "That person is not a member of this workspace.");
  if (result === "last_admin") {
    throw new DispatchError("conflict:last_admin", "A workspace needs at least one admin. Make someone else an admin first.", {
      field: "role",
    });
  }
}

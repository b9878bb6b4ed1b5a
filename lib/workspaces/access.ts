import type { Db } from "@/db/client";
import { getWorkspaceMembership } from "@/db/queries/workspaces";
import type { Workspace, WorkspaceRole } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";

export type WorkspaceContext = { workspace: Workspace; role: WorkspaceRole; userId: string };

const rank: Record<WorkspaceRole, number> = { guest: 0, member: 1, admin: 2 };

/** A missing workspace and one the user is not a member of look the same: 404, nothing leaks. */
export async function loadWorkspaceContext(db: Db, slug: string, userId: string): Promise<WorkspaceContext> {
  const row = await getWorkspaceMembership(db, slug, userId);
  if (!row) throw notFound("workspace", "This workspace");
  return { workspace: row.workspace, role: row.role, userId };
}

export function hasRole(ctx: WorkspaceContext, min: WorkspaceRole): boolean {
  return rank[ctx.role] >= rank[min];
}

export function requireRole(ctx: WorkspaceContext, min: WorkspaceRole): void {
  if (hasRole(ctx, min)) return;
  throw min === "admin"
    ? new DispatchError("forbidden:admin", "Only workspace admins can do this.")
    : new DispatchError("forbidden:guest", "Guests can read this workspace but not change it.");
}

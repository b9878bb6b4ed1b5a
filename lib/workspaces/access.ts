import type { Db } from "@/db/client";
import { getWorkspaceMembership } from "@/db/queries/workspaces";
import type { Workspace, WorkspaceRole } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { SLUG_PATTERN } from "./schemas";

export type WorkspaceContext = { workspace: Workspace; role: WorkspaceRole; userId: string };

const rank: Record<WorkspaceRole, number> = { guest: 0, member: 1, admin: 2 };

/** A missing workspace and one the user is not a member of look the same: 404, nothing leaks. */
export async function loadWorkspaceContext(db: Db, slug: string, userId: string): Promise<WorkspaceContext> {
  // A slug no workspace can have (junk, a NUL from `%00`) is the same 404, without asking the database.
  const wellFormed = typeof slug === "string" && slug.length <= 40 && SLUG_PATTERN.test(slug);
  const row = wellFormed ? await getWorkspaceMembership(db, slug, userId) : undefined;
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

"use server";

import { workspaceAction } from "@/lib/actions/client";
import { changeMemberRole } from "@/lib/workspaces/service";

export async function changeMemberRoleAction(slug: string, userId: string, role: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const next = await changeMemberRole(db, ctx, userId, { role });
    return { role: next };
  });
}

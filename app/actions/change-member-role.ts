"use server";

import { revalidatePath } from "next/cache";
import { workspaceAction } from "@/lib/actions/client";
import { changeMemberRole } from "@/lib/workspaces/service";

export async function changeMemberRoleAction(slug: string, userId: string, role: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const next = await changeMemberRole(db, ctx, userId, { role });
    revalidatePath(`/${slug}/members`);
    return { role: next };
  });
}

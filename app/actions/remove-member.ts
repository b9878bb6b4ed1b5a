"use server";

import { revalidatePath } from "next/cache";
import { workspaceAction } from "@/lib/actions/client";
import { removeMember } from "@/lib/workspaces/service";

export async function removeMemberAction(slug: string, userId: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await removeMember(db, ctx, userId);
    revalidatePath(`/${slug}/members`);
    return { left: userId === ctx.userId };
  });
}

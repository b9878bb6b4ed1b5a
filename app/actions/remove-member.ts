"use server";

import { workspaceAction } from "@/lib/actions/client";
import { removeMember } from "@/lib/workspaces/service";

export async function removeMemberAction(slug: string, userId: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await removeMember(db, ctx, userId);
    return { left: userId === ctx.userId };
  });
}

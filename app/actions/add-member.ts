"use server";

import { workspaceAction } from "@/lib/actions/client";
import { addMember } from "@/lib/workspaces/service";

export async function addMemberAction(slug: string, input: { email: string; role: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const m = await addMember(db, ctx, input);
    return { userId: m.userId };
  });
}

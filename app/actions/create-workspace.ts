"use server";

import { userAction } from "@/lib/actions/client";
import { createWorkspace } from "@/lib/workspaces/service";

export async function createWorkspaceAction(input: { name: string; slug: string }) {
  return userAction(async ({ user, db }) => {
    const ws = await createWorkspace(db, user.id, input);
    return { slug: ws.slug };
  });
}

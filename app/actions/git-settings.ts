"use server";

import { revalidatePath } from "next/cache";
import { workspaceAction } from "@/lib/actions/client";
import { checkProjectRepository } from "@/lib/git/access";
import { setProjectRepository } from "@/lib/projects/service";

// Settings → Git's mutations (admins; the services check the role). Each returns what the page
// shows next and revalidates the page so a reload agrees. The GitHub connection's are in connections.ts.

const settingsPath = (slug: string) => `/${slug}/settings/git`;

/** Sets (or clears, with "") the project's repository, then asks GitHub whether the connection can push to it. */
export async function setProjectRepositoryAction(slug: string, identifier: string, input: { repository: string; default_branch: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const project = await setProjectRepository(db, ctx, identifier, input);
    revalidatePath(settingsPath(slug));
    return { repository: project.repository, default_branch: project.defaultBranch, check: project.repository ? await checkProjectRepository(db, ctx, identifier) : null };
  });
}

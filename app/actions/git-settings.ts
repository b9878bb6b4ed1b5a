"use server";

import { workspaceAction } from "@/lib/actions/client";
import { checkProjectRepository } from "@/lib/git/access";
import { setProjectRepository } from "@/lib/projects/service";

// Settings → Git's mutations (admins; the services check the role). Each returns what the page
// shows next (the page is dynamic: a reload reads it anew). The GitHub connection's are in connections.ts.

/** Sets (or clears, with "") the project's repository, then asks GitHub whether the connection can push to it. */
export async function setProjectRepositoryAction(slug: string, identifier: string, input: { repository: string; default_branch: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const project = await setProjectRepository(db, ctx, identifier, input);
    return { repository: project.repository, default_branch: project.defaultBranch, check: project.repository ? await checkProjectRepository(db, ctx, identifier) : null };
  });
}

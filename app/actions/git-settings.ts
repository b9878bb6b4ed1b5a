"use server";

import { headers } from "next/headers";
import { workspaceAction } from "@/lib/actions/client";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { checkProjectRepository } from "@/lib/git/access";
import { connectGitWithToken, disconnectGit } from "@/lib/git/connection";
import { setProjectRepository } from "@/lib/projects/service";
import { clientIp } from "@/lib/rate-limit/client-ip";

// Settings → Git's mutations (admins; the services check the role). Each returns what the page
// shows next, never a token (the page is dynamic, so a reload reads it anew). Connecting by OAuth
// goes through POST /api/workspaces/[slug]/git/connect, since the browser leaves for GitHub.

export async function connectGitWithTokenAction(slug: string, input: { token: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const connection = await pasteTokenWithLimit(ctx.workspace.id, clientIp(await headers()), () => connectGitWithToken(db, ctx, input));
    return connection;
  });
}

export async function disconnectGitAction(slug: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const connection = await disconnectGit(db, ctx);
    return connection;
  });
}

/** Sets (or clears, with "") the project's repository, then asks GitHub whether the connection can push to it. */
export async function setProjectRepositoryAction(slug: string, identifier: string, input: { repository: string; default_branch: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const project = await setProjectRepository(db, ctx, identifier, input);
    return { repository: project.repository, default_branch: project.defaultBranch, check: project.repository ? await checkProjectRepository(db, ctx, identifier) : null };
  });
}

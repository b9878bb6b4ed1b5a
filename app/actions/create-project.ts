"use server";

import { workspaceAction } from "@/lib/actions/client";
import { createProject } from "@/lib/projects/service";

export async function createProjectAction(slug: string, input: { name: string; identifier: string; repository?: string; default_branch?: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const project = await createProject(db, ctx, input);
    return { identifier: project.identifier };
  });
}

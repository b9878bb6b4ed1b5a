"use server";

import { workspaceAction } from "@/lib/actions/client";
import { createIssue } from "@/lib/issues/service";
import { issueKey } from "@/lib/issues/schemas";
import { getProjectOrThrow } from "@/lib/projects/service";

export async function createIssueAction(slug: string, identifier: string, input: { title: string; description: string; state: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const project = await getProjectOrThrow(db, ctx, identifier);
    const issue = await createIssue(db, ctx, project, input);
    return { key: issueKey(project.identifier, issue.number) };
  });
}

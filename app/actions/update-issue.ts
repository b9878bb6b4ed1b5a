"use server";

import { workspaceAction } from "@/lib/actions/client";
import { editIssue, getIssueByKeyOrThrow } from "@/lib/issues/service";
import { renderMarkdown } from "@/lib/markdown/render";

export async function updateIssueAction(slug: string, key: string, patch: { title?: string; description?: string; state?: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const { issue } = await getIssueByKeyOrThrow(db, ctx, key);
    const updated = await editIssue(db, ctx, issue.id, patch);
    return { title: updated.title, description: updated.description, descriptionHtml: renderMarkdown(updated.description), state: updated.state };
  });
}

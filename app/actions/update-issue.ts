"use server";

import { workspaceAction } from "@/lib/actions/client";
import { editIssue, getIssueByKeyOrThrow } from "@/lib/issues/service";
import { renderMarkdown } from "@/lib/markdown/render";

/** Any of the issue's fields, labels or assignee (see updateIssueSchema); validated by the service. */
export type IssuePatch = {
  title?: string;
  description?: string;
  state?: string;
  priority?: string;
  labels?: string[];
  assignee?: { type: "user"; user_id: string } | { type: "agent"; provider_slug: string; variant_slug?: string | null; skill_trigger?: string | null } | null;
  cancel_session?: boolean;
};

export async function updateIssueAction(slug: string, key: string, patch: IssuePatch) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const { issue } = await getIssueByKeyOrThrow(db, ctx, key);
    const updated = await editIssue(db, ctx, issue.id, patch);
    return { title: updated.title, description: updated.description, descriptionHtml: renderMarkdown(updated.description), state: updated.state, priority: updated.priority, updatedAt: updated.updatedAt.toISOString() };
  });
}

"use server";

import { workspaceAction } from "@/lib/actions/client";
import { addComment, deleteComment, editComment } from "@/lib/comments/service";
import { toTimelineComment } from "@/lib/comments/timeline";
import { getIssueByKeyOrThrow } from "@/lib/issues/service";
import { getSessionQueue } from "@/lib/queue/session-queue";

export async function addCommentAction(slug: string, key: string, body: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const { issue } = await getIssueByKeyOrThrow(db, ctx, key);
    const { comment } = await addComment(db, ctx, issue, { body }, { queue: getSessionQueue() });
    return toTimelineComment(comment);
  });
}

export async function editCommentAction(slug: string, id: string, body: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => toTimelineComment(await editComment(db, ctx, id, { body })));
}

export async function deleteCommentAction(slug: string, id: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await deleteComment(db, ctx, id);
    return { id };
  });
}

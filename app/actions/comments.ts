"use server";

import { workspaceAction } from "@/lib/actions/client";
import { addComment, deleteComment, editComment } from "@/lib/comments/service";
import { toTimelineComment } from "@/lib/comments/timeline";
import { getIssueByKeyOrThrow } from "@/lib/issues/service";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { getSessionCards } from "@/lib/sessions/service";

/** Posts the comment and starts every agent it mentions or the mode bar chose, in one request. */
export async function addCommentAction(slug: string, key: string, body: unknown, agents?: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const { issue } = await getIssueByKeyOrThrow(db, ctx, key);
    const { comment, sessions } = await addComment(db, ctx, issue, { body, ...(agents !== undefined && { agents }) }, { queue: getSessionQueue() });
    const started = new Set(sessions.map((s) => s.id));
    const cards = started.size ? (await getSessionCards(db, ctx, issue.id)).filter((c) => started.has(c.id)) : [];
    return { comment: toTimelineComment(comment), sessions: cards };
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

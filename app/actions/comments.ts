"use server";

import { listSessionCards } from "@/db/queries/agent-sessions";
import { workspaceAction } from "@/lib/actions/client";
import { addComment, deleteComment, editComment } from "@/lib/comments/service";
import { toTimelineComment } from "@/lib/comments/timeline";
import { getIssueByKeyOrThrow } from "@/lib/issues/service";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { toTimelineSession } from "@/lib/sessions/timeline";

/** Posts the comment and starts every agent it mentions or the mode bar chose, in one request. */
export async function addCommentAction(slug: string, key: string, body: unknown, agents?: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const { issue } = await getIssueByKeyOrThrow(db, ctx, key);
    const { comment, sessions } = await addComment(db, ctx, issue, { body, ...(agents !== undefined && { agents }) }, { queue: getSessionQueue() });
    const cards = sessions.length ? await listSessionCards(db, { workspaceId: ctx.workspace.id, issueId: issue.id }) : [];
    const started = new Set(sessions.map((s) => s.id));
    return { comment: toTimelineComment(comment), sessions: cards.filter((c) => started.has(c.id)).map(toTimelineSession) };
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

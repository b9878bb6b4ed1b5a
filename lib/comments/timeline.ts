import type { JSONContent } from "@tiptap/core";
import type { CommentRow } from "@/db/queries/comments";

/** What the browser's timeline holds per comment: plain data, dates as ISO strings. */
export type TimelineComment = {
  id: string;
  authorUserId: string | null;
  /** Set on an agent's answer: the timeline shows it inside that session's card. */
  authorSessionId: string | null;
  authorName: string;
  bodyJson: JSONContent;
  bodyHtml: string;
  createdAt: string;
  editedAt: string | null;
};

export function toTimelineComment(c: CommentRow): TimelineComment {
  return {
    id: c.id,
    authorUserId: c.authorUserId,
    authorSessionId: c.authorSessionId,
    authorName: c.authorName ?? (c.authorSessionId ? "Agent" : "Deleted user"),
    bodyJson: c.bodyJson as JSONContent,
    bodyHtml: c.bodyHtml,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt?.toISOString() ?? null,
  };
}

import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { comments, users, type Comment } from "../schema";

export type CommentRow = Comment & { authorName: string | null; authorEmail: string | null };

const commentColumns = { comment: comments, authorName: users.name, authorEmail: users.email };

export async function insertComment(
  db: Db,
  values: { workspaceId: string; issueId: string; authorUserId: string; bodyJson: unknown; bodyHtml: string },
): Promise<Comment> {
  const [row] = await db.insert(comments).values(values).returning();
  return row!;
}

export async function listComments(db: Db, args: { workspaceId: string; issueId: string }): Promise<CommentRow[]> {
  const rows = await db
    .select(commentColumns)
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorUserId))
    .where(and(eq(comments.workspaceId, args.workspaceId), eq(comments.issueId, args.issueId)))
    .orderBy(asc(comments.createdAt), asc(comments.id));
  return rows.map((r) => ({ ...r.comment, authorName: r.authorName, authorEmail: r.authorEmail }));
}

export async function getComment(db: Db, args: { workspaceId: string; id: string }): Promise<CommentRow | undefined> {
  const [row] = await db
    .select(commentColumns)
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorUserId))
    .where(and(eq(comments.workspaceId, args.workspaceId), eq(comments.id, args.id)));
  return row ? { ...row.comment, authorName: row.authorName, authorEmail: row.authorEmail } : undefined;
}

/** Only the author's own comment matches, so a race with a role change cannot edit someone else's. */
export async function updateOwnComment(
  db: Db,
  args: { workspaceId: string; id: string; authorUserId: string; bodyJson: unknown; bodyHtml: string },
): Promise<Comment | undefined> {
  const now = new Date();
  const [row] = await db
    .update(comments)
    .set({ bodyJson: args.bodyJson, bodyHtml: args.bodyHtml, updatedAt: now, editedAt: now })
    .where(and(eq(comments.workspaceId, args.workspaceId), eq(comments.id, args.id), eq(comments.authorUserId, args.authorUserId)))
    .returning();
  return row;
}

export async function deleteOwnComment(db: Db, args: { workspaceId: string; id: string; authorUserId: string }): Promise<boolean> {
  const rows = await db
    .delete(comments)
    .where(and(eq(comments.workspaceId, args.workspaceId), eq(comments.id, args.id), eq(comments.authorUserId, args.authorUserId)))
    .returning({ id: comments.id });
  return rows.length > 0;
}

/** The agent's answer as a comment; a retried finish finds the one it already posted. */
export async function insertAgentComment(db: Db, v: { workspaceId: string; issueId: string; sessionId: string; bodyJson: unknown; bodyHtml: string }): Promise<{ id: string; created: boolean }> {
  const [existing] = await db.select({ id: comments.id }).from(comments).where(eq(comments.authorSessionId, v.sessionId));
  if (existing) return { id: existing.id, created: false };
  const [row] = await db
    .insert(comments)
    .values({ workspaceId: v.workspaceId, issueId: v.issueId, authorSessionId: v.sessionId, bodyJson: v.bodyJson, bodyHtml: v.bodyHtml })
    .returning({ id: comments.id });
  return { id: row!.id, created: true };
}

import { z } from "zod";
import type { Db } from "@/db/client";
import { countUnreadInboxItems, listInboxItems, markAllInboxItemsRead, setInboxItemRead } from "@/db/queries/inbox";
import { notFound } from "@/lib/errors";
import { isUuid, parseInput } from "@/lib/validation";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { toInboxEntry, type InboxEntry } from "./view";

/**
 * A person's own inbox in one workspace. Every query is scoped by the signed-in user: someone
 * else's item is "not found" (404), the same as one that does not exist. Guests have an inbox
 * too (reading and marking read changes nothing in the workspace).
 */

export const INBOX_PAGE = 50;

export const inboxQuerySchema = z.object({
  unread: z.enum(["0", "1"], { message: "unread must be 1 or 0." }).optional(),
  limit: z.coerce.number({ message: "limit must be a number." }).int("limit must be a whole number.").min(1, "limit must be at least 1.").max(100, "limit must be at most 100.").optional(),
});

export async function getInbox(db: Db, ctx: WorkspaceContext, query: unknown = {}): Promise<{ items: InboxEntry[]; unread: number }> {
  const q = parseInput(inboxQuerySchema, query, "inbox");
  const args = { workspaceId: ctx.workspace.id, userId: ctx.userId };
  const [rows, unread] = await Promise.all([listInboxItems(db, { ...args, limit: q.limit ?? INBOX_PAGE, unreadOnly: q.unread === "1" }), countUnreadInboxItems(db, args)]);
  return { items: rows.map((r) => toInboxEntry(ctx.workspace.slug, r)), unread };
}

export function getUnreadCount(db: Db, ctx: WorkspaceContext): Promise<number> {
  return countUnreadInboxItems(db, { workspaceId: ctx.workspace.id, userId: ctx.userId });
}

export const markReadSchema = z.object({ read: z.boolean({ message: "read must be true or false." }).default(true) });

export async function markInboxItem(db: Db, ctx: WorkspaceContext, id: string, input: unknown): Promise<{ id: string; read: boolean; unread: number }> {
  const { read } = parseInput(markReadSchema, input ?? {}, "inbox");
  const row = isUuid(id) ? await setInboxItemRead(db, { workspaceId: ctx.workspace.id, userId: ctx.userId, id, read }) : undefined;
  if (!row) throw notFound("inbox_item", "This inbox item");
  return { id: row.id, read: row.readAt !== null, unread: await getUnreadCount(db, ctx) };
}

export async function markAllInboxRead(db: Db, ctx: WorkspaceContext): Promise<{ marked: number; unread: number }> {
  const marked = await markAllInboxItemsRead(db, { workspaceId: ctx.workspace.id, userId: ctx.userId });
  return { marked, unread: await getUnreadCount(db, ctx) };
}

import { aliasedTable, and, count, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  agentProviderVariants,
  agentSessions,
  inboxItems,
  issues,
  projects,
  users,
  workspaceMembers,
  type InboxItem,
  type InboxKind,
} from "../schema";

export type NewInboxItem = {
  workspaceId: string;
  userId: string;
  kind: InboxKind;
  issueId: string;
  commentId?: string | null;
  sessionId?: string | null;
  actorUserId?: string | null;
  detail?: string | null;
  dedupeKey: string;
};

/**
 * Writes the items whose person is (still) a member of the item's workspace; an item already
 * written for the same person and happening is skipped. Returns what was written.
 */
export async function insertInboxItems(db: Db, items: NewInboxItem[]): Promise<InboxItem[]> {
  if (items.length === 0) return [];
  const members = await db
    .select({ workspaceId: workspaceMembers.workspaceId, userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(
      and(
        inArray(workspaceMembers.workspaceId, [...new Set(items.map((i) => i.workspaceId))]),
        inArray(workspaceMembers.userId, [...new Set(items.map((i) => i.userId))]),
      ),
    );
  const isMember = new Set(members.map((m) => `${m.workspaceId}/${m.userId}`));
  const values = items.filter((i) => isMember.has(`${i.workspaceId}/${i.userId}`));
  if (values.length === 0) return [];
  return db.insert(inboxItems).values(values).onConflictDoNothing().returning();
}

const actor = aliasedTable(users, "actor");

export type InboxRow = InboxItem & {
  issueKey: string;
  issueTitle: string;
  actorName: string | null;
  agentName: string | null;
};

/** One person's items in one workspace, newest first; `before` pages on (created_at, id). */
export async function listInboxItems(
  db: Db,
  args: { workspaceId: string; userId: string; limit: number; unreadOnly?: boolean; before?: { createdAt: Date; id: string } },
): Promise<InboxRow[]> {
  const rows = await db
    .select({
      item: inboxItems,
      identifier: projects.identifier,
      number: issues.number,
      issueTitle: issues.title,
      actorName: actor.name,
      agentName: agentProviderVariants.name,
    })
    .from(inboxItems)
    .innerJoin(issues, eq(issues.id, inboxItems.issueId))
    .innerJoin(projects, eq(projects.id, issues.projectId))
    .leftJoin(actor, eq(actor.id, inboxItems.actorUserId))
    .leftJoin(agentSessions, eq(agentSessions.id, inboxItems.sessionId))
    .leftJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .where(
      and(
        eq(inboxItems.workspaceId, args.workspaceId),
        eq(inboxItems.userId, args.userId),
        args.unreadOnly ? isNull(inboxItems.readAt) : undefined,
        args.before
          ? or(lt(inboxItems.createdAt, args.before.createdAt), and(eq(inboxItems.createdAt, args.before.createdAt), lt(inboxItems.id, args.before.id)))
          : undefined,
      ),
    )
    .orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
    .limit(args.limit);
  return rows.map((r) => ({ ...r.item, issueKey: `${r.identifier}-${r.number}`, issueTitle: r.issueTitle, actorName: r.actorName, agentName: r.agentName }));
}

export async function countUnreadInboxItems(db: Db, args: { workspaceId: string; userId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(inboxItems)
    .where(and(eq(inboxItems.workspaceId, args.workspaceId), eq(inboxItems.userId, args.userId), isNull(inboxItems.readAt)));
  return row?.n ?? 0;
}

/** Only the person's own item in this workspace matches: anyone else's is "not found". */
export async function setInboxItemRead(db: Db, args: { workspaceId: string; userId: string; id: string; read: boolean }): Promise<InboxItem | undefined> {
  const [row] = await db
    .update(inboxItems)
    .set({ readAt: args.read ? sql`coalesce(${inboxItems.readAt}, now())` : null })
    .where(and(eq(inboxItems.id, args.id), eq(inboxItems.workspaceId, args.workspaceId), eq(inboxItems.userId, args.userId)))
    .returning();
  return row;
}

export async function markAllInboxItemsRead(db: Db, args: { workspaceId: string; userId: string }): Promise<number> {
  const rows = await db
    .update(inboxItems)
    .set({ readAt: sql`now()` })
    .where(and(eq(inboxItems.workspaceId, args.workspaceId), eq(inboxItems.userId, args.userId), isNull(inboxItems.readAt)))
    .returning({ id: inboxItems.id });
  return rows.length;
}

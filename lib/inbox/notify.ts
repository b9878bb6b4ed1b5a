import type { Db } from "@/db/client";
import { insertInboxItems, type NewInboxItem } from "@/db/queries/inbox";
import { getIssueById } from "@/db/queries/issues";
import { listMembers } from "@/db/queries/workspaces";
import type { AgentSession, InboxItem } from "@/db/schema";
import { personMentionsFromDoc } from "@/lib/agents/mention-parser";
import { describeError } from "@/lib/log/describe-error";

/**
 * Writers of inbox items. Each is called inside the transaction of the write it reports, so an
 * item exists exactly when its happening does; the dedupe key keeps a repeat from writing twice.
 */

/** The starter's item for a session that reached a terminal state (called by transitionSession). */
export function notifySessionEnded(tx: Db, session: AgentSession): Promise<InboxItem[]> {
  if (!session.requestedBy) return Promise.resolve([]);
  return insertInboxItems(tx, [
    {
      workspaceId: session.workspaceId,
      userId: session.requestedBy,
      kind: "agent_finished",
      issueId: session.issueId,
      sessionId: session.id,
      detail: session.status,
      dedupeKey: `session:${session.id}`,
    },
  ]);
}

/** The starter's item for a question or an approval the agent is waiting on, once per request. */
export function notifyNeedsAnswer(tx: Db, session: AgentSession, request: { id: string; kind: "question" | "approval" }): Promise<InboxItem[]> {
  if (!session.requestedBy) return Promise.resolve([]);
  return insertInboxItems(tx, [
    {
      workspaceId: session.workspaceId,
      userId: session.requestedBy,
      kind: "needs_answer",
      issueId: session.issueId,
      sessionId: session.id,
      detail: request.kind,
      dedupeKey: `request:${request.id}`,
    },
  ]);
}

/**
 * One item per member a comment mentions (a person chip, or `@name` typed as the name without
 * spaces or the e-mail's local part), once per comment: an edit writes items only for people
 * the comment did not mention before. Nobody is notified of their own mention.
 */
export async function notifyMentionedPeople(
  tx: Db,
  args: { workspaceId: string; issueId: string; commentId: string; authorUserId: string; doc: unknown },
): Promise<InboxItem[]> {
  const found = personMentionsFromDoc(args.doc);
  if (found.userIds.length === 0 && found.handles.length === 0) return [];
  const members = await listMembers(tx, args.workspaceId);
  // A handle two people share names neither: better no item than one for the wrong person.
  const byHandle = new Map<string, string | null>();
  const claim = (handle: string, userId: string) => byHandle.set(handle, byHandle.has(handle) && byHandle.get(handle) !== userId ? null : userId);
  for (const m of members) {
    claim(m.email.split("@")[0]!.toLowerCase(), m.userId);
    claim(m.name.replace(/\s+/g, "").toLowerCase(), m.userId);
  }
  const memberIds = new Set(members.map((m) => m.userId));
  const ids = new Set([...found.userIds.filter((id) => memberIds.has(id)), ...found.handles.flatMap((h) => byHandle.get(h.toLowerCase()) ?? [])]);
  ids.delete(args.authorUserId);
  return insertInboxItems(
    tx,
    [...ids].map((userId) => ({
      workspaceId: args.workspaceId,
      userId,
      kind: "mention",
      issueId: args.issueId,
      commentId: args.commentId,
      actorUserId: args.authorUserId,
      dedupeKey: `mention:${args.commentId}`,
    })),
  );
}

/** What changed on an issue someone is assigned to. */
export type AssigneeChange =
  | { what: "assigned" }
  | { what: "state"; state: string }
  | { what: "comment"; commentId: string }
  | { what: "agent_finished"; sessionId: string; status: string };

/**
 * The assignee's item for a change on their issue (nothing when they made it themselves): a state
 * change or a new assignee (lib/issues), a comment by someone else (notifyAssigneeOfComment), an
 * agent ending on it (notifyAssigneeOfSessionEnd). `eventKey` names the happening uniquely, so a
 * retry of the same write does not notify twice.
 */
export async function notifyAssignee(
  tx: Db,
  args: { workspaceId: string; issueId: string; assigneeUserId: string; actorUserId: string | null; change: AssigneeChange; eventKey: string },
): Promise<InboxItem[]> {
  if (args.actorUserId && args.actorUserId === args.assigneeUserId) return [];
  const c = args.change;
  const item: NewInboxItem = {
    workspaceId: args.workspaceId,
    userId: args.assigneeUserId,
    kind: "assigned_issue",
    issueId: args.issueId,
    actorUserId: args.actorUserId,
    commentId: c.what === "comment" ? c.commentId : null,
    sessionId: c.what === "agent_finished" ? c.sessionId : null,
    detail: c.what === "state" ? `state:${c.state}` : c.what === "agent_finished" ? `agent:${c.status}` : c.what,
    dedupeKey: `assignee:${args.eventKey}`,
  };
  return insertInboxItems(tx, [item]);
}

/** For writers whose comment already committed: a failed notification is logged, never turned into a failed comment. */
export async function notifyMentionedPeopleAfterCommit(db: Db, args: Parameters<typeof notifyMentionedPeople>[1]): Promise<void> {
  await notifyMentionedPeople(db, args).catch((err: unknown) => console.error(`[inbox] mention items were not written: ${describeError(err)}`));
}

/** The issue's assigned member hears of a comment someone else wrote on it (after the comment is stored). */
export async function notifyAssigneeOfComment(db: Db, args: { workspaceId: string; issueId: string; commentId: string; authorUserId: string }): Promise<void> {
  try {
    const issue = await getIssueById(db, { workspaceId: args.workspaceId, id: args.issueId });
    if (!issue?.assigneeUserId) return;
    const change = { what: "comment" as const, commentId: args.commentId };
    await notifyAssignee(db, { workspaceId: args.workspaceId, issueId: args.issueId, assigneeUserId: issue.assigneeUserId, actorUserId: args.authorUserId, change, eventKey: `comment:${args.commentId}` });
  } catch (err) {
    // The comment is stored; a lost notification must not turn that into an error.
    console.warn(`[inbox] notifying the assignee of comment ${args.commentId} failed: ${describeError(err)}`);
  }
}

/** The issue's assigned member hears that an agent someone else started ended on it (called by transitionSession). */
export async function notifyAssigneeOfSessionEnd(tx: Db, session: AgentSession): Promise<InboxItem[]> {
  const issue = await getIssueById(tx, { workspaceId: session.workspaceId, id: session.issueId });
  if (!issue?.assigneeUserId || issue.assigneeUserId === session.requestedBy) return [];
  const change = { what: "agent_finished" as const, sessionId: session.id, status: session.status };
  return notifyAssignee(tx, { workspaceId: session.workspaceId, issueId: session.issueId, assigneeUserId: issue.assigneeUserId, actorUserId: session.requestedBy, change, eventKey: `session:${session.id}` });
}

import { z } from "zod";
import type { Db } from "@/db/client";
import { getSession, listSessionCards, listSessionsForIssue } from "@/db/queries/sessions";
import { getIssueById } from "@/db/queries/issues";
import { getUserById } from "@/db/queries/users";
import type { AgentSession } from "@/db/schema";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError, notFound } from "@/lib/errors";
import type { SessionQueue } from "@/lib/queue/session-queue";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { toTimelineSession, type TimelineSession } from "./timeline";
import { transitionSession } from "./transitions";

const uuid = z.string().uuid();

export async function getSessionOrThrow(db: Db, ctx: WorkspaceContext, id: string): Promise<AgentSession> {
  const session = uuid.safeParse(id).success ? await getSession(db, { workspaceId: ctx.workspace.id, id }) : undefined;
  if (!session) throw notFound("session", "This agent session");
  return session;
}

/** The sessions of an issue of this workspace; another workspace's issue, or no issue at all, is a 404 rather than an empty list. */
export async function listSessions(db: Db, ctx: WorkspaceContext, issueId: string | null): Promise<AgentSession[]> {
  if (!issueId) throw new DispatchError("bad_request:session", "issue_id is required.", { field: "issue_id" });
  if (!uuid.safeParse(issueId).success || !(await getIssueById(db, { workspaceId: ctx.workspace.id, id: issueId }))) {
    throw new DispatchError("not_found:issue", "This issue does not exist or you do not have access to it.", { field: "issue_id" });
  }
  return listSessionsForIssue(db, { workspaceId: ctx.workspace.id, issueId });
}

/** Members cancel any active session of their workspace; a session that already ended is a 409 naming its status. */
export async function cancelSession(
  db: Db,
  ctx: WorkspaceContext,
  id: string,
  deps: { queue: SessionQueue; signal: CancelSignal },
): Promise<AgentSession> {
  requireRole(ctx, "member");
  const session = await getSessionOrThrow(db, ctx, id);
  const by = (await getUserById(db, ctx.userId))?.name?.trim();
  const cancelled = await transitionSession(db, session.id, "cancelled", { errorCode: "cancelled", errorMessage: `Cancelled by ${by || "a member"}.` });
  if (!cancelled) {
    const now = (await getSession(db, { workspaceId: ctx.workspace.id, id: session.id }))!;
    throw new DispatchError("conflict:session_finished", `This session already ended (${now.status.replace("_", " ")}).`);
  }
  // Best effort: the worker also sees the status when it claims or polls the session.
  await Promise.allSettled([deps.queue.remove(session.id), deps.signal.publish(session.id)]);
  return cancelled;
}

/** The issue page's session cards, oldest first. */
export async function getSessionCards(db: Db, ctx: WorkspaceContext, issueId: string): Promise<TimelineSession[]> {
  return (await listSessionCards(db, { workspaceId: ctx.workspace.id, issueId })).map(toTimelineSession);
}

export async function getSessionCard(db: Db, ctx: WorkspaceContext, id: string): Promise<TimelineSession> {
  const session = await getSessionOrThrow(db, ctx, id);
  const [row] = await listSessionCards(db, { workspaceId: ctx.workspace.id, id: session.id });
  if (!row) throw notFound("session", "This agent session");
  return toTimelineSession(row);
}

import type { Db } from "@/db/client";
import { updateSessionStatus } from "@/db/queries/sessions";
import { appendIssueActivity } from "@/db/queries/issue-events";
import { appendSessionEvents } from "@/db/queries/session-events";
import { closeOpenRequests } from "@/db/queries/session-requests";
import { insertAgentComment } from "@/db/queries/comments";
import type { AgentSession, SessionStatus } from "@/db/schema";
import { announce, getLiveBus, type LiveBus } from "@/lib/bus/session-events";
import { docFromText } from "@/lib/comments/body";
import type { LiveEntry } from "@/lib/live/entries";
import { notifyAssigneeOfSessionEnd, notifySessionEnded } from "@/lib/inbox/notify";
import { describeError } from "@/lib/log/describe-error";
import { renderMarkdown } from "@/lib/markdown/render";
import { observeTransition } from "@/lib/observability/session-metrics";
import type { SessionQueue } from "@/lib/queue/session-queue";
import { admitWaiting } from "./admission";
import type { SessionEvent } from "./events";
import { outcomeCommentMarkdown } from "./failure";
import { isTerminal, TRANSITIONS } from "./status";
import { logFor } from "@/lib/observability/log";

type Patch = Parameters<typeof updateSessionStatus>[1]["patch"];

export type TransitionOptions = {
  /** Words on the status event ("Model claude-sonnet-4-6", "2nd in line"). */
  message?: string;
  /**
   * The agent's comment, written in the same transaction and before `done`, so a reader of `done`
   * finds it. A session that ends without one gets its outcome as its one final comment.
   */
  comment?: { bodyJson: unknown; bodyHtml: string };
  /** Where the change is announced (default: this process's live bus). */
  bus?: LiveBus;
  /** Where the next session in line gets its job (default: this process's queue). */
  queue?: SessionQueue;
  /** Back to work after waiting on a member: not the run's first output. */
  afterWait?: boolean;
  /** Written in the same transaction, before the status event (a request answered, expired or closed). */
  alsoInTx?: (tx: Db, row: AgentSession) => Promise<SessionEvent[]>;
};

/**
 * The one way a session changes status. If, and only if, the session is still in a state that
 * may move to `to`, one transaction updates the row, appends its `status` event and — on a
 * terminal state — the agent's comment and then `done`; the events are announced after commit.
 * So the event log always says what the row says, whoever moves the session (worker, cancel,
 * reaper, shutdown). Returns the updated row, or undefined when another transition won the race.
 */
export async function transitionSession(db: Db, id: string, to: SessionStatus, patch: Patch = {}, opts: TransitionOptions = {}): Promise<AgentSession | undefined> {
  const stamp: Patch = isTerminal(to) ? { finishedAt: new Date() } : to === "running" ? { startedAt: new Date() } : {};
  const result = await db.transaction(async (tx) => {
    const row = await updateSessionStatus(tx, { id, from: TRANSITIONS[to], to, patch: { ...stamp, ...patch } });
    if (!row) return undefined;
    const entries: LiveEntry[] = [];
    const events: SessionEvent[] = [...((await opts.alsoInTx?.(tx, row)) ?? []), { type: "status", status: to, ...(opts.message ? { message: opts.message } : {}) }];
    if (isTerminal(to)) {
      // What it still waited on is closed, before its last words.
      for (const r of await closeOpenRequests(tx, row.id)) events.push({ type: "request_resolved", id: r.id, status: "closed", answer: null, by: null, at: r.answeredAt!.toISOString() });
      const body = opts.comment ?? outcomeComment(row);
      const comment = await insertAgentComment(tx, { workspaceId: row.workspaceId, issueId: row.issueId, sessionId: row.id, ...body });
      if (comment.created) {
        const activity = await appendIssueActivity(tx, row.issueId, "comment.created", comment.id);
        if (activity) entries.push(activity);
      }
      // The starter's inbox item: here, so every way a session ends (worker, cancel, reconciler) writes exactly one.
      await notifySessionEnded(tx, row);
      await notifyAssigneeOfSessionEnd(tx, row);
      events.push({
        type: "done",
        status: to,
        ...(row.errorMessage ? { error: row.errorMessage } : {}),
        ...(row.errorCode ? { code: row.errorCode } : {}),
        ...(row.answer ? { answer: row.answer } : {}),
      });
    }
    const appended = await appendSessionEvents(tx, row.id, events, { afterEnd: true });
    if (appended) entries.unshift({ kind: "session", ...sessionKeys(row), events: appended.events });
    return { row, entries };
  });
  if (!result) return undefined;
  await observeTransition(db, result.row, to, { afterWait: opts.afterWait }).catch(() => undefined);
  await announce(opts.bus ?? getLiveBus(), result.entries);
  // A session that ends frees its slot (the next one in line starts) or its place (those behind move up).
  if (isTerminal(to)) {
    await admitWaiting(db, { workspaceId: result.row.workspaceId, providerId: result.row.providerId, queue: opts.queue, bus: opts.bus }).catch((err: unknown) =>
      logFor("sessions").error(`admitting the next session failed: ${describeError(err)}`),
    );
  }
  return result.row;
}

function outcomeComment(row: AgentSession): { bodyJson: unknown; bodyHtml: string } {
  const text = row.status === "completed" ? "**Completed** — the agent finished without an answer." : outcomeCommentMarkdown(row.status as "failed" | "cancelled" | "timed_out", row.errorMessage);
  return { bodyJson: docFromText(text), bodyHtml: renderMarkdown(text) };
}

const sessionKeys = (s: AgentSession) => ({ workspaceId: s.workspaceId, issueId: s.issueId, sessionId: s.id });

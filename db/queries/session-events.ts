import { and, asc, eq, gt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessionEvents, agentSessions, type SessionStatus } from "../schema";
import type { SequencedEvent, SessionEvent } from "@/lib/sessions/events";

const ENDED: SessionStatus[] = ["completed", "failed", "cancelled", "timed_out"];

export type SessionRef = { id: string; workspaceId: string; issueId: string };

/**
 * Numbers and stores events after the session's last one. The counter lives on the session row,
 * so its lock orders every writer (worker, cancel, reaper) and the log stays gapless in commit
 * order. Events for a session that already ended are dropped (its `done` is the last entry)
 * unless `afterEnd` is set by the transition that ends it.
 */
export async function appendSessionEvents(
  db: Db,
  sessionId: string,
  events: SessionEvent[],
  opts: { afterEnd?: boolean } = {},
): Promise<{ session: SessionRef; events: SequencedEvent[] } | null> {
  if (events.length === 0) return null;
  const write = async (tx: Db) => {
    const [row] = await tx
      .update(agentSessions)
      .set({ eventSeq: sql`${agentSessions.eventSeq} + ${events.length}` })
      .where(and(eq(agentSessions.id, sessionId), opts.afterEnd ? undefined : notInArray(agentSessions.status, ENDED)))
      .returning({ last: agentSessions.eventSeq, workspaceId: agentSessions.workspaceId, issueId: agentSessions.issueId });
    if (!row) return null;
    const first = row.last - events.length + 1;
    const sequenced = events.map((e, i) => ({ ...e, seq: first + i }) as SequencedEvent);
    await tx.insert(agentSessionEvents).values(sequenced.map(({ seq, ...payload }) => ({ sessionId, seq, type: payload.type, payload })));
    return { session: { id: sessionId, workspaceId: row.workspaceId, issueId: row.issueId }, events: sequenced };
  };
  return db.transaction(write);
}

/** The stored log of a session after `afterSeq`, in order. */
export async function listEventsAfter(db: Db, args: { sessionId: string; afterSeq: number; limit?: number }) {
  return db
    .select({ seq: agentSessionEvents.seq, payload: agentSessionEvents.payload })
    .from(agentSessionEvents)
    .where(and(eq(agentSessionEvents.sessionId, args.sessionId), gt(agentSessionEvents.seq, args.afterSeq)))
    .orderBy(asc(agentSessionEvents.seq))
    .limit(args.limit ?? 10_000);
}

export const toSequenced = (r: { seq: number; payload: unknown }): SequencedEvent => ({ ...(r.payload as SessionEvent), seq: r.seq });

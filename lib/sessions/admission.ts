import type { Db } from "@/db/client";
import { admittedWaiting, joinLine, lockLine, markAdmitted, providersWithWaitingSessions, setQueuePosition } from "@/db/queries/session-line";
import { appendSessionEvents } from "@/db/queries/session-events";
import { announce, getLiveBus, type LiveBus } from "@/lib/bus/session-events";
import type { LiveEntry } from "@/lib/live/entries";
import { getSessionQueue, type SessionQueue } from "@/lib/queue/session-queue";
import type { SessionEvent } from "./events";
import { ordinal, WAITING_FOR_WORKER } from "./format";
import { ACTIVE_STATUSES } from "./status";


/** The words a queued card shows. */
export function lineMessage(position: number, args: { held: number; limit: number; providerName: string }) {
  return `${ordinal(position)} in line: ${args.held} of ${args.limit} ${args.providerName} runs busy`;
}

export const reconnectMessage = (providerName: string) => `${providerName} needs reconnecting — an admin can fix it in Settings → Agents`;

/**
 * Hands free slots of a provider's limit to the oldest waiting sessions of the workspace (first
 * in, first out), and tells every other waiting session its place. All under the config row's
 * lock, so the limit holds across processes. Admitted sessions get their job after commit.
 * Each change is a `queued` status event, so cards show the line live and a replay shows it too.
 */
export async function admitWaiting(db: Db, args: { workspaceId: string; providerId: string; queue?: SessionQueue; bus?: LiveBus }): Promise<string[]> {
  const out = await db.transaction(async (tx) => {
    const line = await lockLine(tx, { workspaceId: args.workspaceId, providerId: args.providerId, activeStatuses: ACTIVE_STATUSES });
    // While the provider needs reconnecting nobody starts (the run would fail): the line waits for an admin.
    const free = line.needsReconnect ? 0 : Math.max(0, line.limit - line.held);
    const admitted = line.waiting.slice(0, free).map((w) => w.id);
    await markAdmitted(tx, admitted);
    const entries: LiveEntry[] = [];
    let position = 0;
    const busy = { held: line.held + admitted.length, limit: line.limit, providerName: line.providerName };
    for (const w of line.waiting) {
      const isAdmitted = admitted.includes(w.id);
      const message = isAdmitted ? WAITING_FOR_WORKER : line.needsReconnect ? reconnectMessage(line.providerName) : lineMessage(++position, busy);
      // Place 0: waiting for the connection rather than for a slot (so a change either way is news).
      const place = isAdmitted ? null : line.needsReconnect ? 0 : position;
      // Only news is written: a session whose place did not change gets no event.
      if (w.status === "queued" && w.queuePosition === place && !isAdmitted) continue;
      if (w.status === "pending") await joinLine(tx, w.id, place);
      else await setQueuePosition(tx, w.id, place);
      const event: SessionEvent = { type: "status", status: "queued", message, ...(place ? { position: place } : {}) };
      const stored = await appendSessionEvents(tx, w.id, [event]);
      if (stored) entries.push({ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: w.id, events: stored.events });
    }
    return { admitted, entries };
  });
  await announce(args.bus ?? getLiveBus(), out.entries);
  const queue = args.queue ?? getSessionQueue();
  for (const id of out.admitted) await queue.enqueue(id);
  return out.admitted;
}

/**
 * Rebuilds the line from the database, the one place it is kept: sessions written but never placed
 * (the web process stopped right after the commit) get their place, and every session holding a
 * slot gets its job again — job id = session id, so one that still exists is not doubled. Run at
 * worker start and periodically: a queue that lost its jobs (the in-process queue after a restart,
 * a Redis without persistence) loses no session.
 */
export async function recoverLine(db: Db, args: { queue: SessionQueue; bus?: LiveBus }): Promise<{ placed: number; requeued: number }> {
  let placed = 0;
  for (const p of await providersWithWaitingSessions(db)) placed += (await admitWaiting(db, { ...p, queue: args.queue, bus: args.bus })).length;
  let requeued = 0;
  for (const id of await admittedWaiting(db)) if (await args.queue.requeue(id)) requeued++;
  return { placed, requeued };
}

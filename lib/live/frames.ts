import type { ActivityEntry } from "@/db/queries/issue-events";
import type { SequencedEvent } from "@/lib/sessions/events";
import type { Framing } from "./stream";

/**
 * The multiplexed stream's frames, each encoded once per event object in this process:
 * `session` (an event of a session, with its ids), `activity` (an issue's log entry and what it
 * names), `agents` (a workspace session's new status), `ready` (the replay is over).
 * Ids are `<topic>/<seq>`; clients resume by naming their cursors in the URL.
 */
const sessionFrames = new WeakMap<SequencedEvent, string>();
const activityFrames = new WeakMap<ActivityEntry, string>();

export const multiplexFraming: Framing = {
  session(ref, e) {
    let f = sessionFrames.get(e);
    if (f === undefined) {
      f = `id: s/${ref.sessionId}/${e.seq}\nevent: session\ndata: ${JSON.stringify({ sessionId: ref.sessionId, issueId: ref.issueId, event: e })}\n\n`;
      sessionFrames.set(e, f);
    }
    return f;
  },
  activity(entry, data) {
    let f = activityFrames.get(entry);
    if (f === undefined) {
      f = `id: i/${entry.issueId}/${entry.seq}\nevent: activity\ndata: ${JSON.stringify({ issueId: entry.issueId, seq: entry.seq, type: entry.type, refId: entry.refId, data })}\n\n`;
      activityFrames.set(entry, f);
    }
    return f;
  },
};

export const READY_FRAME = "event: ready\ndata: {}\n\n";

import type { Db } from "@/db/client";
import type { LiveEntry } from "@/lib/live/entries";
import { getBoardRow } from "@/lib/sessions/board";
import type { WorkspaceContext } from "@/lib/workspaces/access";

type SessionEntry = Extract<LiveEntry, { kind: "session" }>;

/** Memoized per entry object: every Agents page of this process shares one read per status change. */
const frames = new WeakMap<SessionEntry, Promise<string | null>>();

/** The Agents page's frame for a session whose status changed: its new status and its row as the table shows it. */
export function agentsFrame(db: Db, ctx: WorkspaceContext) {
  return (entry: SessionEntry): Promise<string | null> => {
    let f = frames.get(entry);
    if (!f) {
      const last = [...entry.events].reverse().find((e) => e.type === "status" || e.type === "done");
      f =
        last && "status" in last
          ? getBoardRow(db, ctx, entry.sessionId)
              .catch(() => null)
              .then((row) => `event: agents\ndata: ${JSON.stringify({ sessionId: entry.sessionId, issueId: entry.issueId, status: last.status, seq: last.seq, row })}\n\n`)
          : Promise.resolve(null);
      frames.set(entry, f);
    }
    return f;
  };
}

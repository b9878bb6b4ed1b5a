import type { Db } from "@/db/client";
import type { LiveEntry } from "@/lib/live/entries";
import type { WorkspaceContext } from "@/lib/workspaces/access";

type SessionEntry = Extract<LiveEntry, { kind: "session" }>;

const frames = new WeakMap<SessionEntry, Promise<string | null>>();

/** The Agents page's frame for a session whose status changed: its id, issue and newest status. */
export function agentsFrame(_db: Db, _ctx: WorkspaceContext) {
  return (entry: SessionEntry): Promise<string | null> => {
    let f = frames.get(entry);
    if (!f) {
      const last = [...entry.events].reverse().find((e) => e.type === "status" || e.type === "done");
      f = Promise.resolve(
        last && "status" in last
          ? `event: agents\ndata: ${JSON.stringify({ sessionId: entry.sessionId, issueId: entry.issueId, status: last.status, seq: last.seq })}\n\n`
          : null,
      );
      frames.set(entry, f);
    }
    return f;
  };
}

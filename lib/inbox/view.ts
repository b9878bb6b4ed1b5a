import type { InboxRow } from "@/db/queries/inbox";

/** An inbox item as the page and the API show it: words, a link to the card or comment, read or not. */
export type InboxEntry = {
  id: string;
  kind: InboxRow["kind"];
  /** "Claude Opus finished", "Ada mentioned you" */
  title: string;
  issueKey: string;
  issueTitle: string;
  href: string;
  /** For agent items: the session's terminal status (completed, failed, cancelled, timed_out). */
  status: string | null;
  createdAt: string;
  read: boolean;
};

const ENDINGS: Record<string, string> = {
  completed: "finished",
  failed: "failed",
  cancelled: "was cancelled",
  timed_out: "timed out",
};

function titleOf(r: InboxRow): string {
  const agent = r.agentName ?? "Your agent";
  const actor = r.actorName ?? "Someone";
  switch (r.kind) {
    case "agent_finished":
      return `${agent} ${ENDINGS[r.detail ?? ""] ?? "ended"}`;
    case "mention":
      return `${actor} mentioned you`;
    case "needs_answer":
      return r.detail === "approval" ? `${agent} needs your approval` : `${agent} needs your answer`;
    case "assigned_issue": {
      const d = r.detail ?? "";
      if (d === "assigned") return `${actor} assigned you`;
      if (d === "comment") return `${actor} commented on your issue`;
      if (d.startsWith("state:")) return `${actor} moved your issue to ${d.slice(6).replace("_", " ")}`;
      if (d.startsWith("agent:")) return `${agent} ${ENDINGS[d.slice(6)] ?? "ended"} on your issue`;
      return "Your issue changed";
    }
  }
}

export function toInboxEntry(slug: string, r: InboxRow): InboxEntry {
  const anchor = r.sessionId ? `#session-${r.sessionId}` : r.commentId ? `#comment-${r.commentId}` : "";
  return {
    id: r.id,
    kind: r.kind,
    title: titleOf(r),
    issueKey: r.issueKey,
    issueTitle: r.issueTitle,
    href: `/${encodeURIComponent(slug)}/issue/${encodeURIComponent(r.issueKey)}${anchor}`,
    status: r.kind === "agent_finished" ? r.detail : null,
    createdAt: r.createdAt.toISOString(),
    read: r.readAt !== null,
  };
}

import type { SequencedEvent } from "@/lib/sessions/events";

/** What can happen on an issue's activity log (issue_events). Entries name what changed; readers load it. */
export const ISSUE_ACTIVITY_TYPES = ["comment.created", "comment.updated", "comment.deleted", "session.created", "issue.updated", "issue.assigned"] as const;
export type IssueActivityType = (typeof ISSUE_ACTIVITY_TYPES)[number];

/**
 * One announcement on the live bus, published after the write it announces has committed:
 * a batch of a session's events, or one entry of an issue's activity log.
 */
export type LiveEntry =
  | { kind: "session"; workspaceId: string; issueId: string; sessionId: string; events: SequencedEvent[] }
  | { kind: "activity"; workspaceId: string; issueId: string; seq: number; type: IssueActivityType; refId: string | null };

/** Keys a process subscribes to: every entry reaches the listeners of its session, its issue and its workspace. */
export const topicKeys = (e: LiveEntry): string[] =>
  e.kind === "session" ? [`session:${e.sessionId}`, `issue:${e.issueId}`, `workspace:${e.workspaceId}`] : [`issue:${e.issueId}`, `workspace:${e.workspaceId}`];

import type { AssignmentRow } from "@/db/queries/issue-assignments";

/** An assignee change as the timeline shows it: "assigned to Claude Opus by Ada" (plain data, dates as ISO strings). */
export type TimelineAssignment = {
  id: string;
  actorName: string;
  /** Who it is assigned to now; null when this entry unassigned the issue. */
  assignee: { kind: "user" | "agent"; name: string; skill: string | null } | null;
  /** The run this assignment started: its card is shown under the entry. */
  sessionId: string | null;
  createdAt: string;
};

export function toTimelineAssignment(a: AssignmentRow): TimelineAssignment {
  const assignee = a.userId
    ? { kind: "user" as const, name: a.userName ?? "Someone", skill: null }
    : a.variantId
      ? { kind: "agent" as const, name: a.variantName ?? "an agent", skill: a.skillTrigger }
      : null;
  return { id: a.id, actorName: a.actorName ?? "Someone", assignee, sessionId: a.sessionId, createdAt: a.createdAt.toISOString() };
}

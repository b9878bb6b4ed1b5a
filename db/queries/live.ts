import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessions, issues, type SessionStatus } from "../schema";

/** The issues a live connection asks for that belong to the workspace, with their activity counters. */
export async function loadWatchedIssues(db: Db, args: { workspaceId: string; ids: string[] }) {
  if (args.ids.length === 0) return [];
  return db
    .select({ id: issues.id, activitySeq: issues.activitySeq })
    .from(issues)
    .where(and(eq(issues.workspaceId, args.workspaceId), inArray(issues.id, args.ids)));
}

/** Every session of those issues, with where its log ends. */
export async function loadWatchedSessions(db: Db, args: { workspaceId: string; issueIds: string[] }): Promise<{ id: string; issueId: string; status: SessionStatus; eventSeq: number }[]> {
  if (args.issueIds.length === 0) return [];
  return db
    .select({ id: agentSessions.id, issueId: agentSessions.issueId, status: agentSessions.status, eventSeq: agentSessions.eventSeq })
    .from(agentSessions)
    .where(and(eq(agentSessions.workspaceId, args.workspaceId), inArray(agentSessions.issueId, args.issueIds)));
}

export async function getIssueFields(db: Db, args: { workspaceId: string; id: string }) {
  const [row] = await db
    .select({ id: issues.id, title: issues.title, state: issues.state, description: issues.description, updatedAt: issues.updatedAt })
    .from(issues)
    .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.id, args.id)));
  return row;
}

import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { issueEvents, issues } from "../schema";
import type { IssueActivityType, LiveEntry } from "@/lib/live/entries";

export type ActivityEntry = Extract<LiveEntry, { kind: "activity" }>;

/**
 * Records one change on an issue, numbered under the issue row's lock (gapless, in commit order).
 * Call it in the transaction that makes the change; announce the returned entry after commit.
 */
export async function appendIssueActivity(db: Db, issueId: string, type: IssueActivityType, refId: string | null): Promise<ActivityEntry | null> {
  const [row] = await db
    .update(issues)
    .set({ activitySeq: sql`${issues.activitySeq} + 1` })
    .where(eq(issues.id, issueId))
    .returning({ seq: issues.activitySeq, workspaceId: issues.workspaceId });
  if (!row) return null;
  await db.insert(issueEvents).values({ issueId, seq: row.seq, type, refId });
  return { kind: "activity", workspaceId: row.workspaceId, issueId, seq: row.seq, type, refId };
}

export async function listIssueActivityAfter(db: Db, args: { workspaceId: string; issueId: string; afterSeq: number; limit?: number }): Promise<ActivityEntry[]> {
  const rows = await db
    .select({ seq: issueEvents.seq, type: issueEvents.type, refId: issueEvents.refId })
    .from(issueEvents)
    .where(and(eq(issueEvents.issueId, args.issueId), gt(issueEvents.seq, args.afterSeq)))
    .orderBy(asc(issueEvents.seq))
    .limit(args.limit ?? 1000);
  return rows.map((r) => ({ kind: "activity", workspaceId: args.workspaceId, issueId: args.issueId, seq: r.seq, type: r.type as IssueActivityType, refId: r.refId }));
}

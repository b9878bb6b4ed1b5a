import type { Db } from "@/db/client";
import { appendIssueActivity } from "@/db/queries/issue-events";
import { announce, getLiveBus } from "@/lib/bus/session-events";
import type { IssueActivityType } from "./entries";

/**
 * Runs a write and records it on the issue's activity log in one transaction, then announces it.
 * `write` returns undefined when nothing changed (then nothing is recorded).
 */
export async function withIssueActivity<T>(
  db: Db,
  args: { issueId: string; type: IssueActivityType; refId: (result: T) => string | null },
  write: (tx: Db) => Promise<T | undefined>,
): Promise<T | undefined> {
  const out = await db.transaction(async (tx) => {
    const result = await write(tx);
    if (result === undefined) return undefined;
    return { result, entry: await appendIssueActivity(tx, args.issueId, args.type, args.refId(result)) };
  });
  if (out?.entry) await announce(getLiveBus(), [out.entry]);
  return out?.result;
}

import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessionEvents } from "../schema";

/** The stored log of a session after `afterSeq`, in order. */
export async function listEventsAfter(db: Db, args: { sessionId: string; afterSeq: number; limit?: number }) {
  return db
    .select({ seq: agentSessionEvents.seq, payload: agentSessionEvents.payload })
    .from(agentSessionEvents)
    .where(and(eq(agentSessionEvents.sessionId, args.sessionId), gt(agentSessionEvents.seq, args.afterSeq)))
    .orderBy(asc(agentSessionEvents.seq))
    .limit(args.limit ?? 10_000);
}

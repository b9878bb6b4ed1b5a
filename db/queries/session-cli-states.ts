// A run's CLI conversation files (gzip'd, secrets redacted), kept for its follow-up to resume (workers/run/conversation.ts).
import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessionCliStates } from "../schema";

export async function saveCliState(db: Db, sessionId: string, filesGzBase64: string) {
  await db
    .insert(agentSessionCliStates)
    .values({ sessionId, filesGzBase64 })
    .onConflictDoUpdate({ target: agentSessionCliStates.sessionId, set: { filesGzBase64, createdAt: new Date() } });
}

export async function loadCliState(db: Db, sessionId: string): Promise<string | null> {
  const [row] = await db.select({ files: agentSessionCliStates.filesGzBase64 }).from(agentSessionCliStates).where(eq(agentSessionCliStates.sessionId, sessionId));
  return row?.files ?? null;
}

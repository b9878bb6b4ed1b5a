import { eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { agentSessionCliStates, agentSessions, users, workspaces } from "../schema";

/**
 * What the worker needs beyond the run context to commit, push and link back: who asked, where,
 * and the run before — one round trip on the claim path (it was three).
 */
export async function loadDeliveryContext(db: Db, session: { workspaceId: string; requestedBy: string | null; parentSessionId: string | null }) {
  const parent = alias(agentSessions, "parent");
  const [row] = await db
    .select({
      slug: workspaces.slug,
      requester: { name: users.name, email: users.email },
      parent: { id: parent.id, branch: parent.branch, pullRequestUrl: parent.pullRequestUrl, cliSessionId: parent.cliSessionId, providerId: parent.providerId },
    })
    .from(workspaces)
    .leftJoin(users, session.requestedBy ? eq(users.id, session.requestedBy) : sql`false`)
    .leftJoin(parent, session.parentSessionId ? eq(parent.id, session.parentSessionId) : sql`false`)
    .where(eq(workspaces.id, session.workspaceId));
  return { workspaceSlug: row?.slug ?? "", requester: row?.requester ?? null, parent: row?.parent ?? null };
}

export type DeliveryFields = {
  branch?: string | null;
  commitSha?: string | null;
  pullRequestUrl?: string | null;
  filesChanged?: { path: string; additions: number; deletions: number }[] | null;
  diffPatch?: string | null;
};

export async function setDeliveryFields(db: Db, id: string, fields: DeliveryFields) {
  await db.update(agentSessions).set({ ...fields, updatedAt: new Date() }).where(eq(agentSessions.id, id));
}

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

import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { agentSessionCliStates, agentSessions, users, workspaces } from "../schema";

/** What the worker needs beyond the run context to commit, push and link back: who asked, where, and the run before. */
export async function loadDeliveryContext(db: Db, session: { workspaceId: string; requestedBy: string | null; parentSessionId: string | null }) {
  const [workspace] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, session.workspaceId));
  const [requester] = session.requestedBy ? await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, session.requestedBy)) : [];
  const [parent] = session.parentSessionId
    ? await db
        .select({ id: agentSessions.id, branch: agentSessions.branch, pullRequestUrl: agentSessions.pullRequestUrl, cliSessionId: agentSessions.cliSessionId, providerId: agentSessions.providerId })
        .from(agentSessions)
        .where(eq(agentSessions.id, session.parentSessionId))
    : [];
  return { workspaceSlug: workspace?.slug ?? "", requester: requester ?? null, parent: parent ?? null };
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

// What the worker reads once when it takes a session (workers/run/prepare.ts).
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  agentProviders,
  agentProviderVariants,
  agentSessions,
  agentSkills,
  comments,
  issues,
  projects,
  users,
  workspaceAgentConfigs,
  workspaceMembers,
  workspaces,
  type WorkspaceRole,
} from "../schema";

/** Everything the worker needs to run and deliver one session, read once at claim time. */
export async function loadRunContext(db: Db, sessionId: string) {
  const [row] = await db
    .select({
      session: agentSessions,
      issue: issues,
      project: projects,
      provider: agentProviders,
      variant: agentProviderVariants,
      skill: agentSkills,
      config: workspaceAgentConfigs,
    })
    .from(agentSessions)
    .innerJoin(issues, eq(issues.id, agentSessions.issueId))
    .innerJoin(projects, eq(projects.id, agentSessions.projectId))
    .innerJoin(agentProviders, eq(agentProviders.id, agentSessions.providerId))
    .innerJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .leftJoin(agentSkills, eq(agentSkills.id, agentSessions.skillId))
    .leftJoin(
      workspaceAgentConfigs,
      and(eq(workspaceAgentConfigs.workspaceId, agentSessions.workspaceId), eq(workspaceAgentConfigs.providerId, agentSessions.providerId)),
    )
    .where(eq(agentSessions.id, sessionId));
  if (!row) return undefined;
  const recent = await db
    .select({
      bodyJson: comments.bodyJson,
      authorName: users.name,
      authorSessionId: comments.authorSessionId,
      // The author's role now (null: no longer a member, or the user is gone); the prompt leaves guests out unless the skill allows.
      authorRole: sql<WorkspaceRole | "agent" | null>`case when ${comments.authorSessionId} is not null then 'agent' else ${workspaceMembers.role}::text end`,
      createdAt: comments.createdAt,
      id: comments.id,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorUserId))
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, comments.workspaceId), eq(workspaceMembers.userId, comments.authorUserId)))
    .where(eq(comments.issueId, row.issue.id))
    .orderBy(desc(comments.createdAt))
    .limit(12);
  return { ...row, recentComments: recent.reverse(), ...(await loadDeliveryContext(db, row.session)) };
}

export type RunContext = NonNullable<Awaited<ReturnType<typeof loadRunContext>>>;

/** What the worker needs beyond the run context to commit, push and link back: who asked, where, and the run before. */
async function loadDeliveryContext(db: Db, session: { workspaceId: string; requestedBy: string | null; parentSessionId: string | null }) {
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

import { and, asc, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { agentProviders, agentProviderVariants, agentSessions, agentSkills, issueAssignments, issues, users, type AgentSession, type IssueAssignment, type SessionStatus } from "../schema";
import { holdProviderLimits, LimitRollback, type LimitExceeded, type NewSession } from "./sessions";
import { appendIssueActivity, type ActivityEntry } from "./issue-events";

/** Who an issue is assigned to: a person, an agent (a provider's variant, optionally with a skill), or nobody. */
export type AssigneeTarget = { kind: "user"; userId: string } | { kind: "agent"; variantId: string; skillId: string | null } | null;

type Assigned = Pick<typeof issues.$inferSelect, "assigneeUserId" | "assigneeVariantId" | "assigneeSkillId">;

const sameAssignee = (now: Assigned, to: AssigneeTarget) =>
  to === null
    ? !now.assigneeUserId && !now.assigneeVariantId
    : to.kind === "user"
      ? now.assigneeUserId === to.userId
      : now.assigneeVariantId === to.variantId && (now.assigneeSkillId ?? null) === to.skillId;

export type AssignResult =
  | { ok: true; changed: false }
  | { ok: true; changed: true; assignment: IssueAssignment; session: AgentSession | null; previousSessionId: string | null; activity: ActivityEntry[] }
  | { ok: false; exceeded: LimitExceeded };

/**
 * One transaction: the provider's limit (as a mention takes it, config row first so the lock order
 * matches), then the issue row's lock. Assigning the assignee it already has changes nothing and
 * starts nothing, however many requests race: they queue on the issue row and see the first one's write.
 */
export async function writeAssignment(
  db: Db,
  args: { workspaceId: string; issueId: string; actorUserId: string; to: AssigneeTarget; session: NewSession | null; activeStatuses: readonly SessionStatus[] },
): Promise<AssignResult> {
  return db
    .transaction(async (tx): Promise<AssignResult> => {
      if (args.session) await holdProviderLimits(tx, { workspaceId: args.workspaceId, sessions: [args.session], activeStatuses: args.activeStatuses });
      const [now] = await tx
        .select({ assigneeUserId: issues.assigneeUserId, assigneeVariantId: issues.assigneeVariantId, assigneeSkillId: issues.assigneeSkillId })
        .from(issues)
        .where(and(eq(issues.workspaceId, args.workspaceId), eq(issues.id, args.issueId)))
        .for("update");
      if (!now) throw new Error(`writeAssignment: issue ${args.issueId} not found`);
      if (sameAssignee(now, args.to)) return { ok: true, changed: false };
      const previousSessionId = (await currentAssignment(tx, args.issueId))?.sessionId ?? null;
      const [session] = args.session ? await tx.insert(agentSessions).values(args.session).returning() : [];
      const to = args.to;
      await tx
        .update(issues)
        .set({
          assigneeUserId: to?.kind === "user" ? to.userId : null,
          assigneeVariantId: to?.kind === "agent" ? to.variantId : null,
          assigneeSkillId: to?.kind === "agent" ? to.skillId : null,
          updatedAt: new Date(),
        })
        .where(eq(issues.id, args.issueId));
      const [assignment] = await tx
        .insert(issueAssignments)
        .values({
          workspaceId: args.workspaceId,
          issueId: args.issueId,
          actorUserId: args.actorUserId,
          userId: to?.kind === "user" ? to.userId : null,
          variantId: to?.kind === "agent" ? to.variantId : null,
          skillId: to?.kind === "agent" ? to.skillId : null,
          sessionId: session?.id ?? null,
        })
        .returning();
      const activity = [(await appendIssueActivity(tx, args.issueId, "issue.assigned", assignment!.id))!];
      if (session) activity.push((await appendIssueActivity(tx, args.issueId, "session.created", session.id))!);
      return { ok: true, changed: true, assignment: assignment!, session: session ?? null, previousSessionId, activity };
    })
    .catch((err: unknown) => {
      if (err instanceof LimitRollback) return { ok: false as const, exceeded: err.exceeded };
      throw err;
    });
}

/** The latest assignment of an issue: the current assignee and the run it started. */
export async function currentAssignment(db: Db, issueId: string): Promise<IssueAssignment | undefined> {
  const [row] = await db.select().from(issueAssignments).where(eq(issueAssignments.issueId, issueId)).orderBy(desc(issueAssignments.createdAt), desc(issueAssignments.id)).limit(1);
  return row;
}

const actor = alias(users, "actor");
const assignee = alias(users, "assignee");

export type AssignmentRow = IssueAssignment & { actorName: string | null; userName: string | null; variantName: string | null; providerSlug: string | null; skillTrigger: string | null };

function selectAssignments(db: Db) {
  return db
    .select({
      assignment: issueAssignments,
      actorName: actor.name,
      userName: assignee.name,
      variantName: agentProviderVariants.name,
      providerSlug: agentProviders.slug,
      skillTrigger: agentSkills.trigger,
    })
    .from(issueAssignments)
    .leftJoin(actor, eq(actor.id, issueAssignments.actorUserId))
    .leftJoin(assignee, eq(assignee.id, issueAssignments.userId))
    .leftJoin(agentProviderVariants, eq(agentProviderVariants.id, issueAssignments.variantId))
    .leftJoin(agentProviders, eq(agentProviders.id, agentProviderVariants.providerId))
    .leftJoin(agentSkills, eq(agentSkills.id, issueAssignments.skillId));
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectAssignments>["where"]>>[number];
const flatten = ({ assignment, ...names }: Selected): AssignmentRow => ({ ...assignment, ...names });

/** The issue's assignment history, oldest first, with the names the timeline shows. */
export async function listAssignments(db: Db, args: { workspaceId: string; issueId: string }): Promise<AssignmentRow[]> {
  const rows = await selectAssignments(db)
    .where(and(eq(issueAssignments.workspaceId, args.workspaceId), eq(issueAssignments.issueId, args.issueId)))
    .orderBy(asc(issueAssignments.createdAt), asc(issueAssignments.id));
  return rows.map(flatten);
}

export async function getAssignment(db: Db, args: { workspaceId: string; id: string }): Promise<AssignmentRow | undefined> {
  const [row] = await selectAssignments(db).where(and(eq(issueAssignments.workspaceId, args.workspaceId), eq(issueAssignments.id, args.id)));
  return row && flatten(row);
}

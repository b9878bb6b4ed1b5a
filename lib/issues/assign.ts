import type { Db } from "@/db/client";
import { loadCatalog } from "@/db/queries/agents";
import { writeAssignment, type AssigneeTarget } from "@/db/queries/issue-assignments";
import { getMemberRole } from "@/db/queries/workspaces";
import type { AgentSession, Issue, IssueAssignment } from "@/db/schema";
import { limitReachedError, prepareSessions, queueStartedSessions } from "@/lib/agents/invoke";
import { findVariant } from "@/lib/agents/resolve";
import { announce, getLiveBus } from "@/lib/bus/session-events";
import type { CancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError } from "@/lib/errors";
import { notifyAssignee } from "@/lib/inbox/notify";
import { describeError } from "@/lib/log/describe-error";
import type { SessionQueue } from "@/lib/queue/session-queue";
import { cancelSession } from "@/lib/sessions/service";
import { ACTIVE_STATUSES } from "@/lib/sessions/status";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import type { AssigneeInput } from "./schemas";

export type AssignDeps = { queue: SessionQueue; signal: CancelSignal };

/** What an agent assignee is asked to do: the issue itself (its text is quoted again, fenced, as the issue in the prompt). */
export function assignmentRequest(issue: Pick<Issue, "title" | "description">): string {
  return [issue.title, issue.description.trim()].filter(Boolean).join("\n\n");
}

async function agentAssigneeIsCurrent(db: Db, ctx: WorkspaceContext, issue: Issue, input: Extract<AssigneeInput, { type: "agent" }>): Promise<boolean> {
  if (!issue.assigneeVariantId) return false;
  const provider = (await loadCatalog(db, ctx.workspace.id)).find((p) => p.slug === input.provider_slug);
  const variant = findVariant(provider, input.variant_slug);
  if (!variant || variant.id !== issue.assigneeVariantId) return false;
  // The skill is compared by the write itself (under the issue's lock); a different skill is a new assignment.
  return !input.skill_trigger && !issue.assigneeSkillId;
}

/**
 * Sets the assignee. An agent assignee starts a session with the issue as its request, through the
 * same steps as a mention (resolution, disabled variants, connection, repository, limit, line), so
 * nothing is assigned when the agent could not start. The same assignee again changes nothing.
 * `cancelPrevious` cancels the run the previous agent assignee started, if it is still going.
 */
export async function assignIssue(
  db: Db,
  ctx: WorkspaceContext,
  issue: Issue,
  input: AssigneeInput,
  opts: { cancelPrevious: boolean; deps: AssignDeps },
): Promise<{ assignment: IssueAssignment | null; session: AgentSession | null }> {
  requireRole(ctx, "member");
  let to: AssigneeTarget = null;
  let prepared: Awaited<ReturnType<typeof prepareSessions>> | null = null;
  if (input?.type === "user") {
    if (!(await getMemberRole(db, ctx.workspace.id, input.user_id))) {
      throw new DispatchError("bad_request:assignee", "assignee.user_id is not a member of this workspace.", { field: "assignee.user_id" });
    }
    to = { kind: "user", userId: input.user_id };
  } else if (input?.type === "agent") {
    if (await agentAssigneeIsCurrent(db, ctx, issue, input)) return { assignment: null, session: null };
    const mention = { provider: input.provider_slug, variant: input.variant_slug ?? null, skill: input.skill_trigger ?? null };
    prepared = await prepareSessions(db, ctx, { issueId: issue.id, projectId: issue.projectId, mentions: [mention], prompt: assignmentRequest(issue) }).catch((err: unknown) => {
      throw asAssigneeError(err);
    });
    const session = prepared.sessions[0]!;
    to = { kind: "agent", variantId: session.variantId, skillId: session.skillId ?? null };
  }
  const result = await writeAssignment(db, {
    workspaceId: ctx.workspace.id,
    issueId: issue.id,
    actorUserId: ctx.userId,
    to,
    session: prepared?.sessions[0] ?? null,
    activeStatuses: ACTIVE_STATUSES,
  });
  if (!result.ok) throw asAssigneeError(limitReachedError(prepared!.agents, result.exceeded));
  if (!result.changed) return { assignment: null, session: null };
  if (to?.kind === "user") {
    const eventKey = `assignment:${result.assignment.id}`;
    await notifyAssignee(db, { workspaceId: ctx.workspace.id, issueId: issue.id, assigneeUserId: to.userId, actorUserId: ctx.userId, change: { what: "assigned" }, eventKey }).catch((err: unknown) =>
      console.error(`[assign] the assignee's inbox item was not written: ${describeError(err)}`),
    );
  }
  if (result.session) await queueStartedSessions(db, ctx, { sessions: [result.session], activity: result.activity, queue: opts.deps.queue });
  else await announce(getLiveBus(), result.activity);
  if (opts.cancelPrevious && result.previousSessionId) await cancelIfRunning(db, ctx, result.previousSessionId, opts.deps);
  return { assignment: result.assignment, session: result.session };
}

/** The mention path names its field "agents"; here the agent came in as the assignee. */
const asAssigneeError = (err: unknown) => (err instanceof DispatchError && err.field === "agents" ? new DispatchError(err.code, err.message, { field: "assignee" }) : err);

async function cancelIfRunning(db: Db, ctx: WorkspaceContext, sessionId: string, deps: AssignDeps) {
  try {
    await cancelSession(db, ctx, sessionId, deps);
  } catch (err) {
    // Already ended: nothing to cancel, and the new assignment stands.
    if (err instanceof DispatchError && err.code === "conflict:session_finished") return;
    console.error(`[assign] could not cancel the previous assignee's session: ${describeError(err)}`);
  }
}

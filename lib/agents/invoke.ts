import { z } from "zod";
import type { Db } from "@/db/client";
import { insertCommentAndSessions, latestSessionOfAgent, type LimitExceeded, type NewSession } from "@/db/queries/sessions";
import type { ActivityEntry } from "@/db/queries/issue-events";
import { loadCatalog } from "@/db/queries/agents";
import type { AgentSession, Comment } from "@/db/schema";
import { getComment } from "@/db/queries/comments";
import { getIssueById } from "@/db/queries/issues";
import { getProjectById } from "@/db/queries/projects";
import { assertRepositoryReachable } from "@/lib/git/access";
import { buildCommentBody, docFromText, type CommentBody } from "@/lib/comments/body";
import { DispatchError, notFound } from "@/lib/errors";
import { notifyMentionedPeopleAfterCommit } from "@/lib/inbox/notify";
import { describeError } from "@/lib/log/describe-error";
import { parseInput } from "@/lib/validation";
import type { SessionQueue } from "@/lib/queue/session-queue";
import { ACTIVE_STATUSES } from "@/lib/sessions/status";
import { transitionSession } from "@/lib/sessions/transitions";
import { admitWaiting } from "@/lib/sessions/admission";
import { announce, getLiveBus } from "@/lib/bus/session-events";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { parseMentionsFromDoc, type AgentMention } from "./mention-parser";
import { resolveAgents, type ResolvedAgent } from "./resolve";

export const agentRequestSchema = z.object({
  provider_slug: z.string().trim().min(1).max(40).nullable().optional(),
  variant_slug: z.string().trim().min(1).max(40).nullable().optional(),
  skill_trigger: z.string().trim().min(1).max(60).nullable().optional(),
});

export const toMention = (a: z.infer<typeof agentRequestSchema>): AgentMention => ({
  provider: a.provider_slug ?? null,
  variant: a.variant_slug ?? null,
  skill: a.skill_trigger ?? null,
});

/** Provider slugs that make `@word` an agent mention rather than a person. */
export async function knownProviderSlugs(db: Db, workspaceId: string): Promise<Set<string>> {
  return new Set((await loadCatalog(db, workspaceId)).map((p) => p.slug));
}

type Target = { issueId: string; projectId: string };
type CommentSource = { kind: "new"; body: CommentBody } | { kind: "existing"; comment: Comment; text: string };

/**
 * The part every way of starting agents shares (a comment's mentions, an issue assigned to an
 * agent): resolve each agent (unknown, disabled or disconnected is a 4xx naming it), check the
 * repository, and build one pending session per agent. Nothing is written here.
 */
export async function prepareSessions(db: Db, ctx: WorkspaceContext, args: Target & { mentions: AgentMention[]; prompt: string }) {
  requireRole(ctx, "member");
  if (args.mentions.length === 0) throw new DispatchError("bad_request:agent", "Name at least one agent, e.g. @claude.", { field: "agents" });
  const agents = await resolveAgents(db, { workspaceId: ctx.workspace.id, projectId: args.projectId, mentions: args.mentions });
  const project = await getProjectById(db, { workspaceId: ctx.workspace.id, id: args.projectId });
  if (!project) throw notFound("project", "This project");
  await assertRepositoryReachable(db, ctx.workspace.id, project);

  // Mentioning an agent that already ran on this issue continues its work (branch, pull request, conversation).
  const parents = await Promise.all(agents.map((a) => latestSessionOfAgent(db, { issueId: args.issueId, providerId: a.provider.id, variantId: a.variant.id })));
  const sessions: NewSession[] = agents.map((a, i) => ({
    parentSessionId: parents[i]?.id ?? null,
    workspaceId: ctx.workspace.id,
    projectId: args.projectId,
    issueId: args.issueId,
    providerId: a.provider.id,
    variantId: a.variant.id,
    skillId: a.skill?.id ?? null,
    mentionIndex: i,
    modelId: a.variant.modelId,
    mode: a.skill?.mode ?? "autonomous",
    prompt: args.prompt,
    requestedBy: ctx.userId,
    timeoutMinutes: a.skill?.timeoutMinutes ?? a.provider.config?.timeoutMinutes ?? 15,
  }));
  return { agents, sessions };
}

/** The 429 for a provider whose limit is set to refuse when full. */
export function limitReachedError(agents: ResolvedAgent[], exceeded: LimitExceeded): DispatchError {
  const provider = agents.find((a) => a.provider.id === exceeded.providerId)!.provider;
  return new DispatchError(
    "rate_limit:concurrency",
    `${provider.name} already has ${exceeded.active} of ${exceeded.limit} concurrent sessions running in this workspace (limit ${exceeded.limit}). Wait for one to finish or cancel one.`,
    { field: "agents" },
  );
}

/**
 * After commit: announce what was written, then give the new sessions their place in line; a job
 * may only exist for a session that exists. A session whose job could not be queued is failed at
 * once rather than left waiting forever.
 */
export async function queueStartedSessions(db: Db, ctx: WorkspaceContext, args: { sessions: AgentSession[]; activity: ActivityEntry[]; queue: SessionQueue }) {
  await announce(getLiveBus(), args.activity);
  for (const providerId of new Set(args.sessions.map((s) => s.providerId))) {
    try {
      await admitWaiting(db, { workspaceId: ctx.workspace.id, providerId, queue: args.queue });
    } catch (err) {
      console.error(`[invoke] could not queue sessions: ${describeError(err)}`);
      for (const s of args.sessions.filter((x) => x.providerId === providerId)) {
        const failed = await transitionSession(db, s.id, "failed", { errorMessage: "The session could not be queued. Try again." });
        if (failed) Object.assign(s, failed);
      }
    }
  }
}

/**
 * Resolves every agent first, then writes the comment and one pending session per agent in
 * one transaction under the per-provider limit, then queues one job per session. Any bad
 * token, a disconnected provider or a reached limit writes nothing.
 */
export async function invokeAgents(
  db: Db,
  ctx: WorkspaceContext,
  args: Target & { source: CommentSource; mentions: AgentMention[]; queue: SessionQueue },
): Promise<{ comment: Comment; sessions: AgentSession[] }> {
  const prompt = args.source.kind === "new" ? args.source.body.text : args.source.text;
  const { agents, sessions } = await prepareSessions(db, ctx, { issueId: args.issueId, projectId: args.projectId, mentions: args.mentions, prompt });
  const result = await insertCommentAndSessions(db, {
    workspaceId: ctx.workspace.id,
    comment:
      args.source.kind === "existing"
        ? { existingId: args.source.comment.id }
        : { issueId: args.issueId, authorUserId: ctx.userId, bodyJson: args.source.body.json, bodyHtml: args.source.body.html },
    sessions,
    activeStatuses: ACTIVE_STATUSES,
  });
  if (!result.ok) throw limitReachedError(agents, result.exceeded);
  if (args.source.kind === "new") {
    const c = result.comment;
    await notifyMentionedPeopleAfterCommit(db, { workspaceId: c.workspaceId, issueId: c.issueId, commentId: c.id, authorUserId: ctx.userId, doc: c.bodyJson });
  }
  await queueStartedSessions(db, ctx, { sessions: result.sessions, activity: result.activity, queue: args.queue });
  return { comment: result.comment, sessions: result.sessions };
}

export const invokeRequestSchema = z
  .object({
    project_id: z.string({ required_error: "project_id is required." }).uuid("project_id must be a project id."),
    issue_id: z.string({ required_error: "issue_id is required." }).uuid("issue_id must be an issue id."),
    comment_text: z.string().max(100_000, "comment_text must be at most 100,000 characters.").optional(),
    comment_id: z.string().uuid("comment_id must be a comment id.").optional(),
    agents: z.array(agentRequestSchema).max(10, "At most 10 agents per comment.").default([]),
  })
  .refine((v) => (v.comment_text === undefined) !== (v.comment_id === undefined), {
    message: "Send either comment_text or comment_id.",
    path: ["comment_text"],
  });

/**
 * An agent's answer (or a comment whose author is gone) never starts agents: its text was not
 * written by a member, and an agent that could summon agents could loop or be steered by its input.
 */
function assertWrittenByPerson(comment: Comment) {
  if (comment.authorSessionId) {
    throw new DispatchError("bad_request:comment", "This comment is an agent's answer; agents' comments never start agents. Write your own comment that mentions the agent.", { field: "comment_id" });
  }
  if (!comment.authorUserId) {
    throw new DispatchError("bad_request:comment", "This comment's author is no longer known, so it cannot start agents. Write your own comment that mentions the agent.", { field: "comment_id" });
  }
}

/** POST /agent/invoke: the REST twin of submitting a comment with mentions. */
export async function invokeFromRequest(db: Db, ctx: WorkspaceContext, input: unknown, queue: SessionQueue) {
  requireRole(ctx, "member");
  const req = parseInput(invokeRequestSchema, input, "invoke");
  const issue = await getIssueById(db, { workspaceId: ctx.workspace.id, id: req.issue_id });
  if (!issue || issue.projectId !== req.project_id) throw notFound("issue", "This issue");
  const providers = await knownProviderSlugs(db, ctx.workspace.id);
  let source: CommentSource;
  if (req.comment_id) {
    const comment = await getComment(db, { workspaceId: ctx.workspace.id, id: req.comment_id });
    if (!comment || comment.issueId !== issue.id) throw notFound("comment", "This comment");
    assertWrittenByPerson(comment);
    // The agents run in the caller's name on the comment's words: only its author may do that.
    if (comment.authorUserId !== ctx.userId) {
      throw new DispatchError("forbidden:comment", "Only the comment's author can start agents from it. Write your own comment that mentions the agent.", { field: "comment_id" });
    }
    source = { kind: "existing", comment, text: buildCommentBody(comment.bodyJson, "comment_id").text };
  } else {
    source = { kind: "new", body: buildCommentBody(docFromText(req.comment_text ?? ""), "comment_text") };
  }
  // The stored document, read the one way comment creation reads it (code is never a mention).
  const stored = source.kind === "new" ? source.body.json : source.comment.bodyJson;
  const mentions = [...req.agents.map(toMention), ...parseMentionsFromDoc(stored, { providers })];
  return invokeAgents(db, ctx, { issueId: issue.id, projectId: issue.projectId, source, mentions, queue });
}

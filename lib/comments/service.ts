import { z } from "zod";
import type { Db } from "@/db/client";
import { deleteOwnComment, getComment, insertComment, listComments, updateOwnComment } from "@/db/queries/comments";
import { DispatchError, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { answerFromComment, splitAnsweringMentions } from "@/lib/sessions/requests";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import type { AgentSession } from "@/db/schema";
import { agentRequestSchema, invokeAgents, knownProviderSlugs, toMention } from "@/lib/agents/invoke";
import { parseMentionsFromDoc } from "@/lib/agents/mention-parser";
import type { SessionQueue } from "@/lib/queue/session-queue";
import type { CommentRow } from "@/db/queries/comments";
import { notifyAssigneeOfComment, notifyMentionedPeople } from "@/lib/inbox/notify";
import { withIssueActivity } from "@/lib/live/activity";
import { validateEditorDoc } from "@/lib/editor/validate-doc";
import { buildCommentBody, docFromText, type CommentBody } from "./body";

/** Editor clients send `body` (the editor's JSON); API clients may send plain `text` instead. */
export const commentInputSchema = z
  .object({
    body: z.record(z.unknown()).optional(),
    text: z.string().max(100_000, "Text must be at most 100,000 characters.").optional(),
    /** Agents chosen in the agent mode bar, started along with any mentioned in the text. */
    agents: z.array(agentRequestSchema).max(10, "At most 10 agents per comment.").optional(),
  })
  .refine((v) => (v.body === undefined) !== (v.text === undefined), { message: "Send either body (editor JSON) or text.", path: ["body"] });

export function commentBodyFromInput(input: unknown): CommentBody {
  return bodyOf(parseInput(commentInputSchema, input, "comment"));
}

/** A browser's document is checked against the schema (shape, attribute types, depth) before ProseMirror or the renderer reads it. */
const bodyOf = (parsed: z.infer<typeof commentInputSchema>): CommentBody => {
  if (parsed.body === undefined) return buildCommentBody(docFromText(parsed.text ?? ""), "text");
  validateEditorDoc(parsed.body, "body");
  return buildCommentBody(parsed.body, "body");
};

/**
 * Posts a comment. If it mentions agents (`@claude-opus:fix-bug`), the comment and one session
 * per agent are written together, or nothing is written and the error names the bad token.
 */
export async function addComment(
  db: Db,
  ctx: WorkspaceContext,
  issue: { id: string; projectId: string },
  input: unknown,
  deps: { queue: SessionQueue },
): Promise<{ comment: CommentRow; sessions: AgentSession[] }> {
  requireRole(ctx, "member");
  const parsed = parseInput(commentInputSchema, input, "comment");
  const body = bodyOf(parsed);
  const mentions = [...(parsed.agents ?? []).map(toMention), ...parseMentionsFromDoc(body.json, { providers: await knownProviderSlugs(db, ctx.workspace.id) })];
  // Mentioning an agent that waits on a question answers it rather than starting it again.
  const { answers, rest } = await splitAnsweringMentions(db, issue.id, mentions);
  let commentId: string;
  let sessions: AgentSession[] = [];
  if (rest.length > 0) {
    const result = await invokeAgents(db, ctx, { issueId: issue.id, projectId: issue.projectId, source: { kind: "new", body }, mentions: rest, queue: deps.queue });
    commentId = result.comment.id;
    sessions = result.sessions;
  } else {
    const values = { workspaceId: ctx.workspace.id, issueId: issue.id, authorUserId: ctx.userId, bodyJson: body.json, bodyHtml: body.html };
    const written = await withIssueActivity(db, { issueId: issue.id, type: "comment.created", refId: (c: { id: string }) => c.id }, async (tx) => {
      const c = await insertComment(tx, values);
      await notifyMentionedPeople(tx, { workspaceId: c.workspaceId, issueId: c.issueId, commentId: c.id, authorUserId: ctx.userId, doc: c.bodyJson });
      return c;
    });
    commentId = written!.id;
  }
  await answerFromComment(db, ctx, answers, body.text);
  await notifyAssigneeOfComment(db, { workspaceId: ctx.workspace.id, issueId: issue.id, commentId, authorUserId: ctx.userId });
  const comment = await getComment(db, { workspaceId: ctx.workspace.id, id: commentId });
  if (!comment) throw new Error("addComment: the new comment vanished");
  return { comment, sessions };
}

export function getComments(db: Db, ctx: WorkspaceContext, issueId: string) {
  return listComments(db, { workspaceId: ctx.workspace.id, issueId });
}

async function getOwnCommentOrThrow(db: Db, ctx: WorkspaceContext, id: string) {
  const comment = z.string().uuid().safeParse(id).success ? await getComment(db, { workspaceId: ctx.workspace.id, id }) : undefined;
  if (!comment) throw notFound("comment", "This comment");
  if (comment.authorUserId !== ctx.userId) throw new DispatchError("forbidden:comment", "Only the author can change this comment.");
  return comment;
}

export async function editComment(db: Db, ctx: WorkspaceContext, id: string, input: unknown) {
  requireRole(ctx, "member");
  const existing = await getOwnCommentOrThrow(db, ctx, id);
  const body = commentBodyFromInput(input);
  const updated = await withIssueActivity(db, { issueId: existing.issueId, type: "comment.updated", refId: () => id }, async (tx) => {
    const c = await updateOwnComment(tx, { workspaceId: ctx.workspace.id, id, authorUserId: ctx.userId, bodyJson: body.json, bodyHtml: body.html });
    // People mentioned before already have their item (one per comment): only newly mentioned ones get one.
    if (c) await notifyMentionedPeople(tx, { workspaceId: c.workspaceId, issueId: c.issueId, commentId: c.id, authorUserId: ctx.userId, doc: c.bodyJson });
    return c;
  });
  if (!updated) throw notFound("comment", "This comment");
  return (await getComment(db, { workspaceId: ctx.workspace.id, id }))!;
}

export async function deleteComment(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  requireRole(ctx, "member");
  const existing = await getOwnCommentOrThrow(db, ctx, id);
  const deleted = await withIssueActivity(db, { issueId: existing.issueId, type: "comment.deleted", refId: () => id }, async (tx) =>
    (await deleteOwnComment(tx, { workspaceId: ctx.workspace.id, id, authorUserId: ctx.userId })) ? true : undefined,
  );
  if (!deleted) throw notFound("comment", "This comment");
}

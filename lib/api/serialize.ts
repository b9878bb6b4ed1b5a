import type { CommentRow } from "@/db/queries/comments";
import type { IssueAssignee, IssueListRow } from "@/db/queries/issues";
import type { LabelRef } from "@/db/queries/labels";
import type { MemberRow } from "@/db/queries/workspaces";
import type { AgentSession, AgentSessionRequest, Issue, Project, Workspace, WorkspaceRole } from "@/db/schema";
import { issueKey } from "@/lib/issues/schemas";
import { renderMarkdown } from "@/lib/markdown/render";

/** The public JSON shapes of the REST API (snake_case); nothing else leaves the server. */
export const workspaceJson = (w: Pick<Workspace, "id" | "slug" | "name">, role: WorkspaceRole) => ({ id: w.id, slug: w.slug, name: w.name, role });

export const memberJson = (m: MemberRow) => ({ user_id: m.userId, email: m.email, name: m.name, role: m.role, joined_at: m.joinedAt });

export const projectJson = (p: Project) => ({
  id: p.id,
  name: p.name,
  identifier: p.identifier,
  repository: p.repository,
  default_branch: p.defaultBranch,
  created_at: p.createdAt,
});

const assigneeJson = (a: IssueAssignee | null) =>
  !a
    ? null
    : a.kind === "user"
      ? { type: "user" as const, user_id: a.userId, name: a.name }
      : { type: "agent" as const, provider_slug: a.providerSlug, variant_slug: a.variantSlug, skill_trigger: a.skillTrigger, name: a.name };

/** Assignee and labels are there when the row was read with them (lists and single reads are; a bare update is not). */
export const issueSummaryJson = (project: Project, i: IssueListRow | Issue | (Issue & { assignee: IssueAssignee | null; labels: LabelRef[] })) => ({
  id: i.id,
  key: issueKey(project.identifier, i.number),
  number: i.number,
  title: i.title,
  state: i.state,
  priority: i.priority,
  ...("labels" in i && { assignee: assigneeJson(i.assignee), labels: i.labels.map((l) => ({ id: l.id, name: l.name, color: l.color })) }),
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

export const labelJson = (l: LabelRef) => ({ id: l.id, name: l.name, color: l.color });

export const issueJson = (project: Project, i: Issue | (Issue & { assignee: IssueAssignee | null; labels: LabelRef[] })) => ({
  ...issueSummaryJson(project, i),
  project_id: project.id,
  description: i.description,
  description_html: renderMarkdown(i.description),
});

export const commentJson = (c: CommentRow) => ({
  id: c.id,
  issue_id: c.issueId,
  author: c.authorUserId ? { type: "user" as const, id: c.authorUserId, name: c.authorName } : { type: "agent" as const, session_id: c.authorSessionId },
  body: c.bodyJson,
  body_html: c.bodyHtml,
  created_at: c.createdAt,
  edited_at: c.editedAt,
});

export const sessionJson = (s: AgentSession & { providerSlug?: string; variantSlug?: string; skillTrigger?: string | null }) => ({
  id: s.id,
  issue_id: s.issueId,
  project_id: s.projectId,
  trigger_comment_id: s.triggerCommentId,
  parent_session_id: s.parentSessionId,
  status: s.status,
  provider_id: s.providerId,
  variant_id: s.variantId,
  skill_id: s.skillId,
  model: s.modelId,
  mode: s.mode,
  timeout_minutes: s.timeoutMinutes,
  response: s.answer,
  branch: s.branch,
  commit_sha: s.commitSha,
  pull_request_url: s.pullRequestUrl,
  files_changed: s.filesChanged ?? null,
  has_diff: s.diffPatch !== null,
  error: s.errorMessage,
  error_code: s.errorCode,
  error_message: s.errorMessage,
  input_tokens: s.inputTokens,
  output_tokens: s.outputTokens,
  cost_usd: s.costUsd === null ? null : Number(s.costUsd),
  created_at: s.createdAt,
  started_at: s.startedAt,
  finished_at: s.finishedAt,
  duration_ms: s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null,
});

/** A question or approval an agent asked: what it asked, and how it ended (snake_case like the rest of the API). */
export const requestJson = (r: AgentSessionRequest) => ({
  id: r.id,
  session_id: r.sessionId,
  status: r.status,
  ...r.payload,
  answer: r.answer,
  answered_by: r.answeredBy,
  answered_at: r.answeredAt?.toISOString() ?? null,
  expires_at: r.expiresAt.toISOString(),
  created_at: r.createdAt.toISOString(),
});

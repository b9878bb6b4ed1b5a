import type { SessionCardRow } from "@/db/queries/sessions";
import type { SessionStatus } from "@/db/schema";

export type FileChange = { path: string; additions: number; deletions: number };

/** What the browser's timeline holds per agent session: plain data, dates as ISO strings, never a prompt or a token. */
export type TimelineSession = {
  id: string;
  triggerCommentId: string | null;
  parentSessionId: string | null;
  provider: { slug: string; name: string; group: string };
  variant: { slug: string; name: string };
  skill: { trigger: string; name: string } | null;
  model: string;
  mode: "autonomous" | "comment_only";
  status: SessionStatus;
  error: string | null;
  /** Why it did not complete (lib/sessions/failure.ts), null while it runs or when it completed. */
  errorCode?: string | null;
  /** The agent's comment, rendered and sanitized on the server; null when it has no answer of its own (its outcome is the card's banner). */
  answerHtml: string | null;
  branch: string | null;
  pullRequestUrl: string | null;
  filesChanged: FileChange[] | null;
  /** A diff of the session's commit is stored: GET …/sessions/[id]/diff serves it. Optional only for hand-built fixtures. */
  hasDiff?: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** The last event of its log when read: a page that has the finished card needs none of it again. */
  eventSeq?: number;
  /** Place among the agents its comment started (0 = named first). */
  mentionIndex: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const files = (v: unknown): FileChange[] | null =>
  Array.isArray(v) ? v.filter((f): f is FileChange => !!f && typeof f === "object" && typeof (f as FileChange).path === "string") : null;

export function toTimelineSession(s: SessionCardRow): TimelineSession {
  return {
    id: s.id,
    triggerCommentId: s.triggerCommentId,
    parentSessionId: s.parentSessionId,
    provider: { slug: s.providerSlug, name: s.providerName, group: s.providerGroup },
    variant: { slug: s.variantSlug, name: s.variantName },
    skill: s.skillTrigger ? { trigger: s.skillTrigger, name: s.skillName ?? s.skillTrigger } : null,
    model: s.modelId,
    mode: s.mode,
    status: s.status,
    error: s.errorMessage,
    errorCode: s.errorCode,
    answerHtml: s.answer !== null ? s.answerHtml : null,
    branch: s.branch,
    pullRequestUrl: s.pullRequestUrl,
    filesChanged: files(s.filesChanged),
    hasDiff: s.hasDiff,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    costUsd: s.costUsd === null ? null : Number(s.costUsd),
    eventSeq: s.eventSeq,
    mentionIndex: s.mentionIndex,
    createdAt: s.createdAt.toISOString(),
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
  };
}

/** Card order, the same as the server's: oldest first, the agents of one comment in the order they were mentioned. */
export function compareCards(a: TimelineSession, b: TimelineSession): number {
  return a.createdAt.localeCompare(b.createdAt) || a.mentionIndex - b.mentionIndex || a.id.localeCompare(b.id);
}

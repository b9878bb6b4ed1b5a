import { z } from "zod";
import type { Db } from "@/db/client";
import { countOtherOpenRequests, getRequest, insertRequest, isParked, listExpiredParkedRequests, listWaitingQuestions, parkWaitingSession, resolveRequest } from "@/db/queries/session-requests";
import { appendSessionEvents } from "@/db/queries/session-events";
import { getSessionStatus } from "@/db/queries/sessions";
import { getUserById } from "@/db/queries/users";
import type { AgentSession, AgentSessionRequest, SessionRequestAnswer, SessionRequestPayload } from "@/db/schema";
import type { AgentMention } from "@/lib/agents/mention-parser";
import { announce, getLiveBus, type LiveBus } from "@/lib/bus/session-events";
import { DispatchError, notFound } from "@/lib/errors";
import { notifyNeedsAnswer } from "@/lib/inbox/notify";
import { getSessionQueue, type SessionQueue } from "@/lib/queue/session-queue";
import { isUuid, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import type { SessionEvent, SessionRequestView } from "./events";
import { getSessionOrThrow } from "./service";
import { transitionSession } from "./transitions";

/**
 * Questions and approvals an agent asks mid-run (agent_session_requests). Opening one moves the
 * session to `awaiting_input`; answering, expiring or the session ending resolves it; the last
 * open one resolved moves the session back to `streaming`. Each change is an event in the
 * session's log, written in the transaction that makes it.
 */

export const DEFAULT_ANSWER_WAIT_MINUTES = 60;

export const toRequestView = (r: AgentSessionRequest): SessionRequestView => ({ ...r.payload, id: r.id, expiresAt: r.expiresAt.toISOString() });

/** Opens the request for one tool call (idempotent per call); null when the session already ended. */
export async function openRequest(
  db: Db,
  args: { sessionId: string; callId: string; payload: SessionRequestPayload; waitMs: number },
  opts: { bus?: LiveBus } = {},
): Promise<AgentSessionRequest | null> {
  const expiresAt = new Date(Date.now() + args.waitMs);
  let opened: AgentSessionRequest | null = null;
  const write = async (tx: Db, session: AgentSession | null): Promise<SessionEvent[]> => {
    const { request, created } = await insertRequest(tx, { ...args, expiresAt });
    opened = request;
    if (!created) return [];
    if (session) await notifyNeedsAnswer(tx, session, request);
    return [{ type: "request", request: toRequestView(request) }];
  };
  const message = args.payload.kind === "question" ? "Asked a question" : "Waiting for approval";
  const moved = await transitionSession(db, args.sessionId, "awaiting_input", {}, { bus: opts.bus, message, alsoInTx: write });
  if (moved) return opened;
  // Already waiting on another request (two asked at once): this one joins it.
  if ((await getSessionStatus(db, args.sessionId)) !== "awaiting_input") return null;
  await writeEvents(db, args.sessionId, (tx) => write(tx, null), opts.bus);
  return opened;
}

const answerSchema = z
  .object({
    // Text the database cannot store (a NUL) is a 400 from parseInput, naming the field.
    choices: z.array(z.string().max(500)).max(50).optional(),
    text: z.string().max(4_000).optional(),
    decision: z.enum(["approved", "rejected"]).optional(),
    reason: z.string().max(1_000).optional(),
  })
  .strict();

/** A member's answer as the request's kind expects it; anything else is a 400 naming the field. */
export function parseAnswer(request: AgentSessionRequest, input: unknown): SessionRequestAnswer {
  const a = parseInput(answerSchema, input, "request");
  const bad = (field: string, message: string) => new DispatchError("bad_request:request", message, { field });
  if (request.payload.kind === "approval") {
    if (!a.decision) throw bad("decision", "decision: say approved or rejected.");
    return { kind: "approval", decision: a.decision, reason: a.reason?.trim() || null };
  }
  const { options, multiple } = request.payload;
  const choices = [...new Set(a.choices ?? [])];
  const unknown = choices.find((c) => !options.includes(c));
  if (unknown !== undefined) throw bad("choices", `choices: "${unknown.slice(0, 80)}" is not one of the options.`);
  if (!multiple && choices.length > 1) throw bad("choices", "choices: this question takes one option.");
  const text = a.text?.trim() || null;
  if (choices.length === 0 && !text) throw bad("text", "Pick an option or write an answer.");
  return { kind: "question", choices, text };
}

/** A member answers (from the card, the API, or a comment mentioning the waiting agent). */
export async function answerRequest(
  db: Db,
  ctx: WorkspaceContext,
  args: { sessionId: string; requestId: string; input: unknown },
  opts: { bus?: LiveBus; queue?: SessionQueue } = {},
): Promise<AgentSessionRequest> {
  requireRole(ctx, "member");
  const session = await getSessionOrThrow(db, ctx, args.sessionId);
  const found = isUuid(args.requestId) ? await getRequest(db, { sessionId: session.id, id: args.requestId }) : undefined;
  if (!found) throw notFound("request", "This question");
  const answer = parseAnswer(found.request, args.input);
  const by = await memberName(db, ctx.userId);
  const settled = await settleRequest(db, { sessionId: session.id, requestId: found.request.id, status: "answered", answer, answeredBy: ctx.userId, byName: by }, opts);
  if (settled) return settled;
  throw await notOpenError(db, session.id, found.request.id);
}

/** Who answered, as the agent and the timeline are told. */
const memberName = async (db: Db, userId: string) => (await getUserById(db, userId))?.name?.trim() || "A member";

export type CommentAnswer = { sessionId: string; requestId: string };

/**
 * A comment mentioning an agent that waits on a question answers it instead of starting that
 * agent again (`@claude-opus use the second option`): the provider must match, and the variant
 * when the mention names one. Returns the questions it answers and the mentions left to start.
 */
export async function splitAnsweringMentions(db: Db, issueId: string, mentions: AgentMention[]): Promise<{ answers: CommentAnswer[]; rest: AgentMention[] }> {
  if (mentions.length === 0) return { answers: [], rest: mentions };
  const waiting = await listWaitingQuestions(db, issueId);
  const answers: CommentAnswer[] = [];
  const rest = mentions.filter((m) => {
    const hit = waiting.find((w) => w.providerSlug === m.provider && (!m.variant || m.variant === w.variantSlug) && !answers.some((a) => a.sessionId === w.sessionId));
    if (hit) answers.push({ sessionId: hit.sessionId, requestId: hit.requestId });
    return !hit;
  });
  return { answers, rest };
}

/** After the comment is stored: its text answers each question; one answered meanwhile by someone else is left as it is. */
export async function answerFromComment(db: Db, ctx: WorkspaceContext, answers: CommentAnswer[], text: string, opts: { bus?: LiveBus } = {}): Promise<void> {
  if (answers.length === 0) return;
  const by = await memberName(db, ctx.userId);
  const answer: SessionRequestAnswer = { kind: "question", choices: [], text: text.trim().slice(0, 4_000) };
  for (const a of answers) await settleRequest(db, { ...a, status: "answered", answer, answeredBy: ctx.userId, byName: by }, opts);
}

async function notOpenError(db: Db, sessionId: string, requestId: string): Promise<DispatchError> {
  const now = await getRequest(db, { sessionId, id: requestId });
  const what = now?.request.kind === "approval" ? "This approval" : "This question";
  const message =
    now?.request.status === "answered"
      ? `${what} was already answered${now.answeredByName ? ` by ${now.answeredByName}` : ""}.`
      : now?.request.status === "expired"
        ? `${what} is no longer waiting: nobody answered in time, and the agent went on.`
        : `${what} is no longer waiting: the session ended.`;
  return new DispatchError("conflict:request_resolved", message);
}

/**
 * Resolves an open request (answered or expired) and, if it was the last one open, puts the
 * session back to work, in one transaction. Undefined when the request was not open any more.
 */
export async function settleRequest(
  db: Db,
  args: { sessionId: string; requestId: string; status: "answered" | "expired"; answer: SessionRequestAnswer | null; answeredBy: string | null; byName: string | null },
  opts: { bus?: LiveBus; queue?: SessionQueue } = {},
): Promise<AgentSessionRequest | undefined> {
  let settled: AgentSessionRequest | undefined;
  const write = async (tx: Db): Promise<SessionEvent[]> => {
    settled = await resolveRequest(tx, { id: args.requestId, status: args.status, answer: args.answer, answeredBy: args.answeredBy });
    if (!settled) throw new NotOpen();
    return [{ type: "request_resolved", id: settled.id, status: args.status, answer: args.answer, by: args.byName, at: settled.answeredAt!.toISOString() }];
  };
  try {
    const others = await countOtherOpenRequests(db, { sessionId: args.sessionId, exceptId: args.requestId });
    const message = args.status === "answered" ? `Answered by ${args.byName ?? "a member"}` : "No answer in time";
    // Its worker stopped while it waited: back in line, and a worker resumes the conversation with the answer.
    if (others === 0 && (await isParked(db, args.sessionId))) {
      if (await transitionSession(db, args.sessionId, "queued", {}, { bus: opts.bus, message: `${message}; resuming`, alsoInTx: write })) {
        await (opts.queue ?? getSessionQueue()).enqueue(args.sessionId);
        return settled;
      }
    }
    if (others === 0 && (await transitionSession(db, args.sessionId, "streaming", {}, { bus: opts.bus, afterWait: true, message, alsoInTx: write }))) return settled;
    // Others still open, or the session is not waiting (it ended: its requests were closed, so this finds none open).
    await writeEvents(db, args.sessionId, write, opts.bus);
    return settled;
  } catch (err) {
    if (err instanceof NotOpen) return undefined;
    throw err;
  }
}

class NotOpen extends Error {}

/**
 * A waiting session whose worker stops (shut down, or found dead) is parked rather than failed:
 * the question stays open, and answering it resumes the run. False when it was not waiting.
 */
export async function parkSession(db: Db, sessionId: string, opts: { bus?: LiveBus } = {}): Promise<boolean> {
  if (!(await parkWaitingSession(db, sessionId))) return false;
  const note: SessionEvent = { type: "status", status: "awaiting_input", message: "The worker stopped; the agent resumes when this is answered" };
  await writeEvents(db, sessionId, async () => [note], opts.bus);
  return true;
}

/** Parked sessions' waits that ran out: told "no answer", they resume (the reconciler calls this). */
export async function expireParkedRequests(db: Db, opts: { bus?: LiveBus; queue?: SessionQueue } = {}): Promise<number> {
  let n = 0;
  for (const r of await listExpiredParkedRequests(db)) {
    if (await settleRequest(db, { ...r, status: "expired", answer: null, answeredBy: null, byName: null }, opts)) n++;
  }
  return n;
}

async function writeEvents(db: Db, sessionId: string, make: (tx: Db) => Promise<SessionEvent[]>, bus?: LiveBus) {
  const appended = await db.transaction(async (tx) => appendSessionEvents(tx, sessionId, await make(tx)));
  if (appended) await announce(bus ?? getLiveBus(), [{ kind: "session", workspaceId: appended.session.workspaceId, issueId: appended.session.issueId, sessionId, events: appended.events }]);
}

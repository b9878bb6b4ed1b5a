import { and, asc, eq, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentProviders, agentProviderVariants, agentSessionRequests, agentSessions, users, type AgentSessionRequest, type SessionRequestAnswer, type SessionRequestPayload } from "../schema";

/** Opens a request for one tool call; the same call delivered again gets the request it already opened. */
export async function insertRequest(
  db: Db,
  args: { sessionId: string; callId: string; payload: SessionRequestPayload; expiresAt: Date },
): Promise<{ request: AgentSessionRequest; created: boolean }> {
  const [created] = await db
    .insert(agentSessionRequests)
    .values({ sessionId: args.sessionId, callId: args.callId, kind: args.payload.kind, payload: args.payload, expiresAt: args.expiresAt })
    .onConflictDoNothing({ target: [agentSessionRequests.sessionId, agentSessionRequests.callId] })
    .returning();
  if (created) return { request: created, created: true };
  const [existing] = await db
    .select()
    .from(agentSessionRequests)
    .where(and(eq(agentSessionRequests.sessionId, args.sessionId), eq(agentSessionRequests.callId, args.callId)));
  return { request: existing!, created: false };
}

export async function getRequest(db: Db, args: { sessionId: string; id: string }) {
  const [row] = await db
    .select({ request: agentSessionRequests, answeredByName: users.name })
    .from(agentSessionRequests)
    .leftJoin(users, eq(users.id, agentSessionRequests.answeredBy))
    .where(and(eq(agentSessionRequests.id, args.id), eq(agentSessionRequests.sessionId, args.sessionId)));
  return row;
}

/** Moves an open request to its end; undefined when it was not open any more (answered by someone else, expired). */
export async function resolveRequest(
  db: Db,
  args: { id: string; status: "answered" | "expired"; answer: SessionRequestAnswer | null; answeredBy: string | null },
): Promise<AgentSessionRequest | undefined> {
  const [row] = await db
    .update(agentSessionRequests)
    .set({ status: args.status, answer: args.answer, answeredBy: args.answeredBy, answeredAt: new Date() })
    .where(and(eq(agentSessionRequests.id, args.id), eq(agentSessionRequests.status, "open")))
    .returning();
  return row;
}

/** Closes what a session that ended still waited on. */
export async function closeOpenRequests(db: Db, sessionId: string): Promise<AgentSessionRequest[]> {
  return db
    .update(agentSessionRequests)
    .set({ status: "closed", answeredAt: new Date() })
    .where(and(eq(agentSessionRequests.sessionId, sessionId), eq(agentSessionRequests.status, "open")))
    .returning();
}

export async function countOtherOpenRequests(db: Db, args: { sessionId: string; exceptId: string }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(agentSessionRequests)
    .where(and(eq(agentSessionRequests.sessionId, args.sessionId), eq(agentSessionRequests.status, "open"), ne(agentSessionRequests.id, args.exceptId)));
  return row?.n ?? 0;
}

/** An issue's open questions with the agent that asks each (a comment mentioning that agent answers it), oldest first. */
export async function listWaitingQuestions(db: Db, issueId: string) {
  return db
    .select({ requestId: agentSessionRequests.id, sessionId: agentSessions.id, providerSlug: agentProviders.slug, variantSlug: agentProviderVariants.slug })
    .from(agentSessionRequests)
    .innerJoin(agentSessions, eq(agentSessions.id, agentSessionRequests.sessionId))
    .innerJoin(agentProviders, eq(agentProviders.id, agentSessions.providerId))
    .innerJoin(agentProviderVariants, eq(agentProviderVariants.id, agentSessions.variantId))
    .where(and(eq(agentSessions.issueId, issueId), eq(agentSessionRequests.status, "open"), eq(agentSessionRequests.kind, "question")))
    .orderBy(asc(agentSessionRequests.createdAt));
}

/** A waiting session whose worker stopped: no worker holds it until an answer puts it back in line. */
export async function parkWaitingSession(db: Db, sessionId: string): Promise<boolean> {
  const rows = await db
    .update(agentSessions)
    .set({ workerId: null, containerId: null, updatedAt: new Date() })
    .where(and(eq(agentSessions.id, sessionId), eq(agentSessions.status, "awaiting_input"), isNotNull(agentSessions.workerId)))
    .returning({ id: agentSessions.id });
  return rows.length > 0;
}

export async function isParked(db: Db, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: agentSessions.id })
    .from(agentSessions)
    .where(and(eq(agentSessions.id, sessionId), eq(agentSessions.status, "awaiting_input"), isNull(agentSessions.workerId)));
  return !!row;
}

/** Open requests of parked sessions whose wait ran out (no worker is there to expire them). */
export async function listExpiredParkedRequests(db: Db) {
  return db
    .select({ requestId: agentSessionRequests.id, sessionId: agentSessionRequests.sessionId })
    .from(agentSessionRequests)
    .innerJoin(agentSessions, eq(agentSessions.id, agentSessionRequests.sessionId))
    .where(and(eq(agentSessionRequests.status, "open"), lt(agentSessionRequests.expiresAt, new Date()), eq(agentSessions.status, "awaiting_input"), isNull(agentSessions.workerId)));
}

/** What the agent asked and what it was told, in order: a resumed run is given these. */
export async function listResolvedRequests(db: Db, sessionId: string) {
  return db
    .select({ request: agentSessionRequests, answeredByName: users.name })
    .from(agentSessionRequests)
    .leftJoin(users, eq(users.id, agentSessionRequests.answeredBy))
    .where(and(eq(agentSessionRequests.sessionId, sessionId), ne(agentSessionRequests.status, "open")))
    .orderBy(asc(agentSessionRequests.createdAt));
}

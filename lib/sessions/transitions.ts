import type { Db } from "@/db/client";
import { updateSessionStatus } from "@/db/queries/agent-sessions";
import type { AgentSession, SessionStatus } from "@/db/schema";
import { isTerminal, TRANSITIONS } from "./status";

type Patch = Parameters<typeof updateSessionStatus>[1]["patch"];

/**
 * Moves a session to `to` if, and only if, it is still in a state that may move there.
 * Returns the updated row, or undefined when another transition won the race.
 */
export async function transitionSession(db: Db, id: string, to: SessionStatus, patch: Patch = {}): Promise<AgentSession | undefined> {
  const stamp: Patch = isTerminal(to) ? { finishedAt: new Date() } : to === "running" ? { startedAt: new Date() } : {};
  return updateSessionStatus(db, { id, from: TRANSITIONS[to], to, patch: { ...stamp, ...patch } });
}

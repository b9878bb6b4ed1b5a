import type { Db } from "@/db/client";
import { providerSlugs } from "@/db/queries/health";
import type { AgentSession, SessionStatus } from "@/db/schema";
import { isTerminal } from "@/lib/sessions/status";
import { addLogContext, currentLogContext } from "./log-context";
import { measure } from "./metrics";

let slugs: Map<string, string> = new Map();

/** The provider's slug for labels; providers are a few seeded rows, read again when one is new. */
async function providerLabel(db: Db, providerId: string): Promise<string> {
  if (!slugs.has(providerId)) slugs = await providerSlugs(db).catch(() => slugs);
  return slugs.get(providerId) ?? "unknown";
}

const seconds = (from: Date | null | undefined, to = new Date()) => (from ? Math.max(0, (to.getTime() - new Date(from).getTime()) / 1000) : null);

/**
 * Called by the one function that moves sessions (lib/sessions/transitions.ts) after a transition
 * committed: counts starts and ends, times the wait, the first output and the run. A run logging
 * inside this session's context gets its workspace id from here on.
 */
export async function observeTransition(db: Db, row: AgentSession, to: SessionStatus, opts: { afterWait?: boolean } = {}): Promise<void> {
  if (currentLogContext().sessionId === row.id) addLogContext({ workspaceId: row.workspaceId });
  if (to !== "provisioning" && to !== "streaming" && !isTerminal(to)) return;
  const provider = await providerLabel(db, row.providerId);
  measure((m) => {
    if (to === "provisioning") {
      m.sessionsStarted.inc({ provider });
      const waited = seconds(row.createdAt);
      if (waited !== null) m.queueWait.observe({ provider }, waited);
    } else if (to === "streaming") {
      // Back from waiting on a member is not a first event.
      if (opts.afterWait) return;
      const first = seconds(row.startedAt);
      if (first !== null) m.firstEvent.observe({ provider }, first);
    } else {
      m.sessionsEnded.inc({ provider, status: to, code: row.errorCode ?? "" });
      const ran = seconds(row.startedAt, row.finishedAt ?? new Date());
      if (ran !== null) m.runDuration.observe({ provider, status: to }, ran);
    }
  });
}

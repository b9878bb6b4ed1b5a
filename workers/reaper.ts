import type { Db } from "@/db/client";
import type { LiveBus } from "@/lib/bus/session-events";
import { findOrphanedSessions, getSessionStatuses } from "@/db/queries/worker";
import { ACTIVE_STATUSES, isTerminal } from "@/lib/sessions/status";
import { transitionSession } from "@/lib/sessions/transitions";
import type { SandboxDriver } from "./sandbox/types";

/**
 * Removes containers whose session is over or unknown (a crashed worker leaves them running),
 * and fails sessions whose worker stopped heart-beating. Containers of live sessions on other
 * workers are left alone.
 */
export async function reap(args: { db: Db; bus?: LiveBus; sandbox: SandboxDriver; staleSeconds: number; ownWorkerId: string; ownActive: ReadonlySet<string> }) {
  const orphans = await findOrphanedSessions(args.db, { staleSeconds: args.staleSeconds, activeStatuses: ACTIVE_STATUSES });
  let failed = 0;
  for (const o of orphans) {
    if (o.workerId === args.ownWorkerId && args.ownActive.has(o.id)) continue;
    const moved = await transitionSession(args.db, o.id, "failed", {
      errorMessage: "The worker running this session stopped (crashed or was killed). Start the agent again.",
    }, { bus: args.bus });
    if (moved) failed++;
  }
  const containers = await args.sandbox.list();
  const statuses = await getSessionStatuses(args.db, [...new Set(containers.map((c) => c.sessionId).filter(Boolean))]);
  let removed = 0;
  for (const c of containers) {
    const status = statuses.get(c.sessionId);
    const mineButNotRunning = c.workerId === args.ownWorkerId && !args.ownActive.has(c.sessionId);
    if (!status || isTerminal(status) || mineButNotRunning) {
      await args.sandbox.removeById(c.id);
      removed++;
    }
  }
  return { failed, removed };
}

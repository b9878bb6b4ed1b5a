import type { Db } from "@/db/client";
import { getSessionStatuses } from "@/db/queries/sessions";
import { isTerminal } from "@/lib/sessions/status";
import type { SandboxDriver } from "./sandbox/types";

/**
 * Removes this installation's containers whose session is over or unknown (a crashed worker
 * leaves them behind). Containers of live sessions on other workers are left alone; the
 * sessions of lost workers are ended by the reconciler (lib/sessions/reconcile.ts).
 */
export async function reapContainers(args: { db: Db; sandbox: SandboxDriver; ownWorkerId: string; ownActive: ReadonlySet<string> }): Promise<number> {
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
  return removed;
}

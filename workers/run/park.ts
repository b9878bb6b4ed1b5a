import type { Db } from "@/db/client";
import { getSessionStatus } from "@/db/queries/sessions";
import type { LiveBus } from "@/lib/bus/session-events";
import { parkSession } from "@/lib/sessions/requests";

/** A stopping worker's session that waits on a member is parked rather than cancelled. */
export async function parkIfWaiting(db: Db, sessionId: string, bus: LiveBus): Promise<boolean> {
  if ((await getSessionStatus(db, sessionId)) !== "awaiting_input") return false;
  return parkSession(db, sessionId, { bus });
}

"use server";

import { workspaceAction } from "@/lib/actions/client";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { cancelSession, getSessionCard } from "@/lib/sessions/service";

/** The card of a session as stored now: used when its stream ends, to settle into the agent's comment. */
export async function getSessionCardAction(slug: string, id: string) {
  return workspaceAction(slug, ({ db, ctx }) => getSessionCard(db, ctx, id));
}

export async function cancelSessionAction(slug: string, id: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await cancelSession(db, ctx, id, { queue: getSessionQueue(), signal: getCancelSignal() });
    return getSessionCard(db, ctx, id);
  });
}

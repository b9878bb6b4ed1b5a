"use server";

import { listSessionCards } from "@/db/queries/agent-sessions";
import { workspaceAction } from "@/lib/actions/client";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { notFound } from "@/lib/errors";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { cancelSession, getSessionOrThrow } from "@/lib/sessions/service";
import { toTimelineSession } from "@/lib/sessions/timeline";
import type { Db } from "@/db/client";
import type { WorkspaceContext } from "@/lib/workspaces/access";

async function card(db: Db, ctx: WorkspaceContext, id: string) {
  const session = await getSessionOrThrow(db, ctx, id);
  const [row] = await listSessionCards(db, { workspaceId: ctx.workspace.id, id: session.id });
  if (!row) throw notFound("session", "This agent session");
  return toTimelineSession(row);
}

/** The card of a session as stored now: used when its stream ends, to settle into the agent's comment. */
export async function getSessionCardAction(slug: string, id: string) {
  return workspaceAction(slug, ({ db, ctx }) => card(db, ctx, id));
}

export async function cancelSessionAction(slug: string, id: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await cancelSession(db, ctx, id, { queue: getSessionQueue(), signal: getCancelSignal() });
    return card(db, ctx, id);
  });
}

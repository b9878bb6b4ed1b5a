"use server";

import { workspaceAction } from "@/lib/actions/client";
import { answerRequest } from "@/lib/sessions/requests";

/** A question's `{choices?, text?}` or an approval's `{decision, reason?}`; the server checks it against the request. */
export type RequestAnswerInput = { choices?: string[]; text?: string } | { decision: "approved" | "rejected"; reason?: string };

/**
 * A member answers what a waiting agent asked, from the card. Only the outcome comes back: the
 * card changes when the session's live stream brings `request_resolved`, as every open tab's does.
 */
export async function answerSessionRequestAction(slug: string, sessionId: string, requestId: string, input: RequestAnswerInput) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const request = await answerRequest(db, ctx, { sessionId: String(sessionId), requestId: String(requestId), input });
    return { id: request.id, status: request.status };
  });
}

// POST /api/workspaces/[slug]/agent/sessions/[id]/requests/[requestId]/answer – answer what a waiting agent asked (members)
// Body: a question's {choices?: string[], text?: string} or an approval's {decision: "approved"|"rejected", reason?: string}.
// 409 when it is no longer waiting (answered by someone else, expired, or the session ended).
import { readJson, withWorkspace } from "@/lib/api/handler";
import { requestJson } from "@/lib/api/serialize";
import { answerRequest } from "@/lib/sessions/requests";

export const POST = withWorkspace<{ slug: string; id: string; requestId: string }>(async (req, { db, ctx, params }) => {
  const request = await answerRequest(db, ctx, { sessionId: params.id, requestId: params.requestId, input: await readJson(req) });
  return Response.json({ request: requestJson(request) });
});

// POST /api/workspaces/[slug]/agent/sessions/[id]/cancel – stop a session (members); 409 if it already ended
import { withWorkspace } from "@/lib/api/handler";
import { sessionJson } from "@/lib/api/serialize";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { getSessionQueue } from "@/lib/queue/session-queue";
import { cancelSession } from "@/lib/sessions/service";

export const POST = withWorkspace<{ slug: string; id: string }>(async (_req, { db, ctx, params }) => {
  const session = await cancelSession(db, ctx, params.id, { queue: getSessionQueue(), signal: getCancelSignal() });
  return Response.json({ session: sessionJson(session) });
});

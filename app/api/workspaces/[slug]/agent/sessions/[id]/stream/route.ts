// GET /api/workspaces/[slug]/agent/sessions/[id]/stream – one session's events as Server-Sent Events (replay, then live), for API clients
import { withWorkspace } from "@/lib/api/handler";
import { getLiveHub } from "@/lib/bus/live-hub";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { lastEventId, sessionEventStream, SSE_HEADERS } from "@/lib/sessions/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ slug: string; id: string }>(async (req, { db, ctx, params }) => {
  const session = await getSessionOrThrow(db, ctx, params.id);
  const body = sessionEventStream({ db, hub: getLiveHub(), session, afterSeq: lastEventId(req), signal: req.signal });
  return new Response(body, { headers: SSE_HEADERS });
});

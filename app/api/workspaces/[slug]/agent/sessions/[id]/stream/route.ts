// GET /api/workspaces/[slug]/agent/sessions/[id]/stream – the session's events as Server-Sent Events (replay, then live)
import { withWorkspace } from "@/lib/api/handler";
import { getSessionStreamHub } from "@/lib/bus/session-stream-hub";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { lastEventId, sessionEventStream } from "@/lib/sessions/sse";
import { isTerminal } from "@/lib/sessions/status";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ slug: string; id: string }>(async (req, { db, ctx, params }) => {
  const session = await getSessionOrThrow(db, ctx, params.id);
  const body = sessionEventStream({
    db,
    hub: getSessionStreamHub(),
    sessionId: session.id,
    afterSeq: lastEventId(req),
    signal: req.signal,
    finalState: async () => {
      const now = await getSessionOrThrow(db, ctx, session.id);
      return isTerminal(now.status) ? { status: now.status, error: now.errorMessage } : null;
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    },
  });
});

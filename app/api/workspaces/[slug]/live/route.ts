// GET /api/workspaces/[slug]/live?issue=<id>[@seq]&session=<id>@<seq>&agents=1 – one Server-Sent Events connection per tab for everything live
import { withWorkspace } from "@/lib/api/handler";
import { getLiveHub } from "@/lib/bus/live-hub";
import { READY_FRAME, multiplexFraming } from "@/lib/live/frames";
import { liveStream } from "@/lib/live/stream";
import { agentsFrame } from "@/lib/live/agents-frame";
import { activityLoader, parseLiveRequest, planLiveTopics } from "@/lib/live/subscription";
import { SSE_HEADERS } from "@/lib/sessions/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ slug: string }>(async (req, { db, ctx }) => {
  const request = parseLiveRequest(new URL(req.url));
  const topics = await planLiveTopics(db, ctx, request);
  const body = liveStream({
    db,
    hub: getLiveHub(),
    signal: req.signal,
    framing: multiplexFraming,
    keys: topics.issues.map((i) => `issue:${i.id}`),
    sessions: topics.sessions,
    issues: topics.issues,
    hydrate: activityLoader(db, ctx),
    workspace: request.agents ? { key: `workspace:${ctx.workspace.id}`, frame: agentsFrame(db, ctx) } : undefined,
    readyFrame: READY_FRAME,
  });
  return new Response(body, { headers: SSE_HEADERS });
});

// GET /api/workspaces/[slug]/agent/sessions/[id] – status, model, answer, branch, PR, tokens, cost, duration
import { withWorkspace } from "@/lib/api/handler";
import { sessionJson } from "@/lib/api/serialize";
import { getSessionOrThrow } from "@/lib/sessions/service";

export const GET = withWorkspace<{ slug: string; id: string }>(async (_req, { db, ctx, params }) =>
  Response.json({ session: sessionJson(await getSessionOrThrow(db, ctx, params.id)) }),
);

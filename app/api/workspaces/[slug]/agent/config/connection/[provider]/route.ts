// DELETE /api/workspaces/[slug]/agent/config/connection/[provider] – disconnect a provider, forgetting its tokens (admins)
import { withWorkspace } from "@/lib/api/handler";
import { disconnect } from "@/lib/agents/connection";

type P = { slug: string; provider: string };

export const DELETE = withWorkspace<P>(async (_req, { db, ctx, params }) => Response.json({ provider: await disconnect(db, ctx, params.provider) }), {
  role: "admin",
});

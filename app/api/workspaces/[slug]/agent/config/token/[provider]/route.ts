// PUT /api/workspaces/[slug]/agent/config/token/[provider] – connect a provider with a pasted OAuth token (admins; never an API key)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { connectWithToken } from "@/lib/agents/connection";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { clientIp } from "@/lib/rate-limit/client-ip";

type P = { slug: string; provider: string };

export const PUT = withWorkspace<P>(
  async (req, { db, ctx, params }) => {
    const input = await readJson(req);
    const provider = await pasteTokenWithLimit(ctx.workspace.id, clientIp(req.headers), () => connectWithToken(db, ctx, params.provider, input));
    return Response.json({ provider });
  },
  { role: "admin" },
);

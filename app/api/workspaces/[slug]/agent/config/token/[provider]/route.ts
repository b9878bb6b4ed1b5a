// PUT /api/workspaces/[slug]/agent/config/token/[provider] – connect a provider with a pasted OAuth token (admins; never an API key)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { connectWithToken } from "@/lib/agents/connection";

type P = { slug: string; provider: string };

export const PUT = withWorkspace<P>(
  async (req, { db, ctx, params }) => Response.json({ provider: await connectWithToken(db, ctx, params.provider, await readJson(req)) }),
  { role: "admin" },
);

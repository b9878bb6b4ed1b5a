// POST /api/workspaces/[slug]/agent/config/connect/[provider] – start connecting a provider by OAuth (admins): the authorization URL to send the browser to
import { withWorkspace } from "@/lib/api/handler";
import { appBaseUrl, startAuthorization } from "@/lib/agents/oauth";

type P = { slug: string; provider: string };

export const POST = withWorkspace<P>(
  async (req, { db, ctx, params }) =>
    Response.json({ authorization_url: await startAuthorization(db, ctx, params.provider, appBaseUrl(req)) }, { headers: { "cache-control": "no-store" } }),
  { role: "admin" },
);

// GET /api/workspaces/[slug]/agent/config/callback/[provider] – the provider's OAuth redirect: store the tokens, then back to Agents settings with the outcome
import { getDb } from "@/db/client";
import { withRequest } from "@/lib/api/handler";
import { appBaseUrl, completeAuthorization, settingsRedirect } from "@/lib/agents/oauth";
import { getRequestUser } from "@/lib/auth/session";

type P = { slug: string; provider: string };

export const GET = withRequest<P>(async (req, { params }) => {
  const { slug, provider } = params;
  const query = new URL(req.url).searchParams;
  const base = appBaseUrl(req);
  const user = await getRequestUser(req);
  const error = await completeAuthorization(getDb(), {
    userId: user?.id ?? null,
    workspaceSlug: slug,
    providerSlug: provider,
    base,
    params: { code: query.get("code"), state: query.get("state"), error: query.get("error") },
  });
  // 303: the browser follows with a GET, and the code in this URL is not kept in its history entry.
  return new Response(null, { status: 303, headers: { location: settingsRedirect(base, slug, provider, error), "cache-control": "no-store", "referrer-policy": "no-referrer" } });
});

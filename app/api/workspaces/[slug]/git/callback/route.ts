// GET /api/workspaces/[slug]/git/callback – GitHub's OAuth redirect: store the token, then back to Git settings with the outcome
import { getDb } from "@/db/client";
import { withRequest } from "@/lib/api/handler";
import { appBaseUrl } from "@/lib/agents/oauth";
import { getRequestUser } from "@/lib/auth/session";
import { completeGitHubAuthorization, gitSettingsRedirect } from "@/lib/git/connection";

export const GET = withRequest<{ slug: string }>(async (req, { params }) => {
  const { slug } = params;
  const query = new URL(req.url).searchParams;
  const base = appBaseUrl(req);
  const user = await getRequestUser(req);
  const error = await completeGitHubAuthorization(getDb(), {
    userId: user?.id ?? null,
    workspaceSlug: slug,
    base,
    params: { code: query.get("code"), state: query.get("state"), error: query.get("error") },
  });
  return new Response(null, { status: 303, headers: { location: gitSettingsRedirect(base, slug, error), "cache-control": "no-store", "referrer-policy": "no-referrer" } });
});

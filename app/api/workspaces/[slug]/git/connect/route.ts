// POST /api/workspaces/[slug]/git/connect – start connecting GitHub by OAuth (admins): the authorization URL to send the browser to
import { withWorkspace } from "@/lib/api/handler";
import { appBaseUrl } from "@/lib/agents/oauth";
import { startGitHubAuthorization } from "@/lib/git/connection";

export const POST = withWorkspace(
  async (req, { db, ctx }) => Response.json({ authorization_url: await startGitHubAuthorization(db, ctx, appBaseUrl(req)) }, { headers: { "cache-control": "no-store" } }),
  { role: "admin" },
);

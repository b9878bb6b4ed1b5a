import { getDb } from "@/db/client";
import { readJson, withRequest, withWorkspace } from "@/lib/api/handler";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { getRequestUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/rate-limit/client-ip";
import { appBaseUrl } from "./oauth-client";
import { changedView, completeAuthorization, connectWithToken, disconnect, getConnectionView, settingsRedirect, startAuthorization } from "./service";

/**
 * The handlers of /api/workspaces/[slug]/connections/[kind]/…, given how the path names the kind:
 * the older paths (agent/config/…/[provider], git/…) serve the same handlers under their names.
 */
export function connectionRoutes<P extends { slug: string }>(kindOf: (params: P) => string) {
  return {
    /** POST …/connect – start connecting by OAuth (admins): the authorization URL to send the browser to. */
    connect: withWorkspace<P>(
      async (req, { db, ctx, params }) =>
        Response.json({ authorization_url: await startAuthorization(db, ctx, kindOf(params), appBaseUrl(req)) }, { headers: { "cache-control": "no-store" } }),
      { role: "admin" },
    ),

    /** PUT …/token – connect with a pasted token (admins; never an API key or a personal access token). */
    token: withWorkspace<P>(
      async (req, { db, ctx, params }) => {
        const input = await readJson(req);
        await pasteTokenWithLimit(ctx.workspace.id, clientIp(req.headers), () => connectWithToken(db, ctx, kindOf(params), input));
        return Response.json(await changedView(db, ctx, kindOf(params)));
      },
      { role: "admin" },
    ),

    /** GET …/callback – the service's OAuth redirect: store the tokens, then back to settings with the outcome. */
    callback: withRequest<P>(async (req, { params }) => {
      const url = new URL(req.url);
      const base = appBaseUrl(req);
      const user = await getRequestUser(req);
      const error = await completeAuthorization(getDb(), {
        userId: user?.id ?? null,
        workspaceSlug: params.slug,
        kind: kindOf(params),
        // The redirect URI this answer came to, as the authorization request named it (old paths included).
        redirectUri: `${base}${url.pathname}`,
        params: { code: url.searchParams.get("code"), state: url.searchParams.get("state"), error: url.searchParams.get("error") },
      });
      // 303: the browser follows with a GET, and the code in this URL is not kept in its history entry.
      const location = settingsRedirect(base, params.slug, kindOf(params), error);
      return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
    }),

    /** GET …/connection – the connection (never its token). */
    view: withWorkspace<P>(async (_req, { db, ctx, params }) => Response.json({ connection: await getConnectionView(db, ctx, kindOf(params)) })),

    /** DELETE …/connection – disconnect, revoking and forgetting the tokens (admins). */
    disconnect: withWorkspace<P>(
      async (_req, { db, ctx, params }) => {
        await disconnect(db, ctx, kindOf(params));
        return Response.json(await changedView(db, ctx, kindOf(params)));
      },
      { role: "admin" },
    ),
  };
}

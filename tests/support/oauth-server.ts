import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

/**
 * A real OAuth 2.0 authorization server (oidc-provider) on 127.0.0.1 standing in for a model
 * provider's: authorization code with PKCE S256 required, refresh tokens rotated on every use
 * (reuse of a rotated one revokes the grant), RFC 7009 revocation. Its interaction is one page
 * with Allow and Deny. Every request to /token and /revoke is recorded for the tests to count.
 */
export type RecordedRequest = { path: string; status: number; grantType: string | null; error: string | null };

export type OAuthTestServer = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  requests: RecordedRequest[];
  /** The environment that points Dispatch's provider (`CLAUDE`, `GEMINI`) at this server. */
  env(provider: string): Record<string, string>;
  /** Cuts every refresh token's grant: the next refresh is refused (invalid_grant). */
  revokeAllGrants(): Promise<void>;
  close(): Promise<void>;
};

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">${body}</body></html>`;

export async function startOAuthServer(options: { accessTokenTtlSeconds?: number; redirectPrefix?: string } = {}): Promise<OAuthTestServer> {
  let app: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;
  const server = http.createServer((req, res) => (app ? app(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "dispatch-test";
  const clientSecret = "test-client-secret-0123456789";
  const scopes = "agent offline_access";
  const requests: RecordedRequest[] = [];
  const grantIds = new Set<string>();

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: "client_secret_post",
        redirect_uris: ["http://127.0.0.1/placeholder"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
    ],
    scopes: ["openid", "offline_access", "agent"],
    routes: { authorization: "/authorize", token: "/token", revocation: "/revoke" },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => true,
    expiresWithSession: async () => false,
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600 },
    cookies: { keys: ["oauth-test-server-cookie-key"] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
  // Dispatch's callback URL names the workspace: any URL under the prefix is registered.
  const prefix = options.redirectPrefix ?? "http://";
  provider.Client.prototype.redirectUriAllowed = (uri: string) => uri.startsWith(prefix);

  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    if (ctx.path === "/token" || ctx.path === "/revoke") {
      const body = ctx.body as { error?: string } | undefined;
      requests.push({
        path: ctx.path,
        status: ctx.status,
        grantType: (ctx.oidc?.params?.grant_type as string | undefined) ?? null,
        error: typeof body?.error === "string" ? body.error : null,
      });
    }
  });

  const oidc = provider.callback();
  app = (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!match) return oidc(req, res);
    void interaction(req, res, req.method === "POST").catch((err: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    });
  };

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, submitted: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (!submitted) {
      const scope = String(details.params.scope ?? "");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(
        page(
          "Authorize Dispatch",
          `<h1>Authorize Dispatch</h1><p>Dispatch asks to use your account (scopes: <code>${scope.replace(/[<>&"]/g, "")}</code>).</p>
           <form method="post"><button name="decision" value="allow" type="submit">Allow</button> <button name="decision" value="deny" type="submit">Deny</button></form>`,
        ),
      );
      return;
    }
    let raw = "";
    for await (const chunk of req) raw += chunk;
    if (new URLSearchParams(raw).get("decision") !== "allow") {
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user denied the request" }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = "test-user";
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? ""));
    const grantId = await grant.save();
    grantIds.add(grantId);
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    clientId,
    clientSecret,
    scopes,
    requests,
    env: (name) => {
      const p = `DISPATCH_OAUTH_${name.toUpperCase()}_`;
      return {
        [`${p}AUTHORIZE_URL`]: `${issuer}/authorize`,
        [`${p}TOKEN_URL`]: `${issuer}/token`,
        [`${p}REVOKE_URL`]: `${issuer}/revoke`,
        [`${p}CLIENT_ID`]: clientId,
        [`${p}CLIENT_SECRET`]: clientSecret,
        [`${p}SCOPES`]: scopes,
      };
    },
    async revokeAllGrants() {
      for (const id of grantIds) await (await provider.Grant.find(id))?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a browser's keep-alive connections would hold close() open
      }),
  };
}

/**
 * What a browser does at the authorization URL, with fetch: open the consent page, press Allow
 * or Deny, follow the redirects (keeping the server's cookies) until one leaves the server.
 * Returns that last redirect: Dispatch's callback URL with `code` or `error` and `state`.
 */
export async function consent(authorizationUrl: string, decision: "allow" | "deny"): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const origin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader() } });
    remember(res);
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      if (url.origin !== origin) return url;
      init = {};
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !html.includes('name="decision"')) throw new Error(`the authorization server answered ${res.status}: ${html.slice(0, 300)}`);
    init = { method: "POST", body: new URLSearchParams({ decision }), headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("too many redirects at the authorization server");
}

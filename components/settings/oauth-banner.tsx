import { OutcomeBanner } from "./outcome-banner";

export type OAuthOutcome = { kind: "connected" | "denied" | "bad_state" | "expired_state" | "exchange_failed"; provider: string; providerName: string };

const KINDS = new Set<OAuthOutcome["kind"]>(["connected", "denied", "bad_state", "expired_state", "exchange_failed"]);

/** What the OAuth callback put in the settings URL (`?connected=claude`, `?oauth_error=denied&provider=claude`), or null. */
export function readOAuthOutcome(query: Record<string, string | string[] | undefined>, names: Record<string, string>): OAuthOutcome | null {
  const one = (k: string) => (typeof query[k] === "string" ? (query[k] as string) : null);
  const connected = one("connected");
  const error = one("oauth_error");
  const provider = connected ?? one("provider");
  if (!provider || !names[provider]) return null;
  const kind = (connected ? "connected" : error) as OAuthOutcome["kind"] | null;
  if (!kind || !KINDS.has(kind)) return null;
  return { kind, provider, providerName: names[provider]! };
}

function message({ kind, provider, providerName: name }: OAuthOutcome): { title: string; body: string } {
  const again = "Choose Connect with OAuth to start again.";
  switch (kind) {
    case "connected":
      return { title: `${name} is connected`, body: `Its agents can run now. Dispatch renews the token before it expires; if ${name} ever stops accepting it, the provider shows "Needs reconnect".` };
    case "denied":
      return { title: `${name} was not connected: access was denied`, body: `The request was declined on ${name}'s authorization page, so no token was issued. ${again} and choose Allow.` };
    case "bad_state":
      return {
        title: `${name} was not connected: the sign-in could not be verified`,
        body: `The answer from ${name} did not match a connection you started in this workspace, or it was already used. Nothing was changed. ${again}`,
      };
    case "expired_state":
      return { title: `${name} was not connected: the sign-in took too long`, body: `A connection must be completed within 10 minutes of starting it. ${again}` };
    case "exchange_failed":
      return {
        title: `${name} was not connected: ${name} did not issue a token`,
        body: `${name}'s server refused to exchange the authorization for a token. Try again; if it keeps failing, ask the operator to check the DISPATCH_OAUTH_${provider.toUpperCase()}_* settings (client id, client secret, token URL).`,
      };
  }
}

/** The outcome of an OAuth connection, at the top of the Agents settings. */
export function OAuthBanner({ outcome, dismissHref }: { outcome: OAuthOutcome; dismissHref: string }) {
  return <OutcomeBanner ok={outcome.kind === "connected"} {...message(outcome)} outcome={outcome.kind} testId="oauth-banner" dismissHref={dismissHref} />;
}

import Link from "next/link";

export type OAuthOutcome = { kind: "connected" | "denied" | "bad_state" | "expired_state" | "exchange_failed"; service: string; name: string };

const KINDS = new Set<OAuthOutcome["kind"]>(["connected", "denied", "bad_state", "expired_state", "exchange_failed"]);

/** What the OAuth callback put in the settings URL (`?connected=claude`, `?oauth_error=denied&provider=github`), or null. */
export function readOAuthOutcome(query: Record<string, string | string[] | undefined>, names: Record<string, string>): OAuthOutcome | null {
  const one = (k: string) => (typeof query[k] === "string" ? (query[k] as string) : null);
  const connected = one("connected");
  const service = connected ?? one("provider");
  if (!service || !Object.hasOwn(names, service)) return null;
  const kind = (connected ? "connected" : one("oauth_error")) as OAuthOutcome["kind"] | null;
  if (!kind || !KINDS.has(kind)) return null;
  return { kind, service, name: names[service]! };
}

/** What the banner says; `words` are the kind's own: what now works, and which operator settings to check. */
function message({ kind, name }: OAuthOutcome, words: { login: string | null; nowWorks: string; operatorSettings: string }): { title: string; body: string } {
  const again = "Nothing was changed; start again with the connect button below when you are ready.";
  switch (kind) {
    case "connected":
      return { title: words.login ? `${name} is connected as ${words.login}` : `${name} is connected`, body: words.nowWorks };
    case "denied":
      return { title: `${name} was not connected: access was denied`, body: `The request was declined on ${name}'s authorization page, so no token was issued. ${again}` };
    case "bad_state":
      return {
        title: `${name} was not connected: the sign-in could not be verified`,
        body: `The answer from ${name} did not match a connection you started in this workspace, or it had already been used. ${again}`,
      };
    case "expired_state":
      return { title: `${name} was not connected: the sign-in took too long`, body: `A connection must be completed within 10 minutes of starting it. ${again}` };
    case "exchange_failed":
      return {
        title: `${name} was not connected: ${name} did not issue a token`,
        body: `${name}'s server refused to exchange the authorization for a token. Try again; if it keeps failing, ask the operator to check ${words.operatorSettings}.`,
      };
  }
}

/** The result of coming back from an OAuth authorization page, at the top of a settings page, with a Dismiss link. */
export function OutcomeBanner(props: { outcome: OAuthOutcome; login?: string | null; nowWorks: string; operatorSettings: string; testId: string; dismissHref: string }) {
  const ok = props.outcome.kind === "connected";
  const { title, body } = message(props.outcome, { login: props.login ?? null, nowWorks: props.nowWorks, operatorSettings: props.operatorSettings });
  return (
    <div
      role={ok ? "status" : "alert"}
      data-testid={props.testId}
      data-outcome={props.outcome.kind}
      className={`flex items-start gap-3 rounded-md border px-4 py-3 text-sm ${ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <div className="min-w-0 flex-1">
        <p className="font-medium">{title}</p>
        <p className="mt-0.5">{body}</p>
      </div>
      <Link href={props.dismissHref} className="shrink-0 text-xs underline underline-offset-2" aria-label="Dismiss this message">
        Dismiss
      </Link>
    </div>
  );
}

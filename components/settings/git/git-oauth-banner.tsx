import { OutcomeBanner } from "../outcome-banner";

export type GitOAuthOutcome = "connected" | "denied" | "bad_state" | "expired_state" | "exchange_failed";

const ERRORS = new Set<GitOAuthOutcome>(["denied", "bad_state", "expired_state", "exchange_failed"]);

/** What GitHub's callback put in the address (`?connected=github`, `?oauth_error=denied`), or null. */
export function readGitOAuthOutcome(query: Record<string, string | string[] | undefined>): GitOAuthOutcome | null {
  if (query.connected === "github") return "connected";
  const error = query.oauth_error;
  return typeof error === "string" && ERRORS.has(error as GitOAuthOutcome) ? (error as GitOAuthOutcome) : null;
}

function message(outcome: GitOAuthOutcome, login: string | null): { title: string; body: string } {
  const again = "Nothing was changed; start again with the GitHub button below when you are ready.";
  switch (outcome) {
    case "connected":
      return {
        title: login ? `GitHub is connected as ${login}` : "GitHub is connected",
        body: `Agents can now clone this workspace's repositories, push their branches and open pull requests${login ? ` as ${login}` : ""}. Check each project's repository below.`,
      };
    case "denied":
      return { title: "GitHub was not connected: access was denied", body: `The request was declined on GitHub's authorization page, so no token was issued. ${again}` };
    case "bad_state":
      return {
        title: "GitHub was not connected: the sign-in could not be verified",
        body: `GitHub's answer did not match a connection you started in this workspace, or it had already been used. ${again}`,
      };
    case "expired_state":
      return { title: "GitHub was not connected: the sign-in took too long", body: `A connection must be completed within 10 minutes of starting it. ${again}` };
    case "exchange_failed":
      return {
        title: "GitHub was not connected: GitHub did not issue a token",
        body: "GitHub refused to exchange the authorization for a token. Try again; if it keeps failing, ask the operator to check DISPATCH_GITHUB_CLIENT_ID, DISPATCH_GITHUB_CLIENT_SECRET and DISPATCH_GITHUB_URL.",
      };
  }
}

/** The outcome of connecting GitHub by OAuth, at the top of Settings → Git. */
export function GitOAuthBanner({ outcome, login, dismissHref }: { outcome: GitOAuthOutcome; login: string | null; dismissHref: string }) {
  return <OutcomeBanner ok={outcome === "connected"} {...message(outcome, login)} outcome={outcome} testId="git-oauth-banner" dismissHref={dismissHref} />;
}

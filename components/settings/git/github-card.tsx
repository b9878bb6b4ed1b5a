"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ConnectionJson } from "@/lib/connections/json";
import { ConnectionCard } from "../connection/connection-card";
import { GitHubMark } from "../connection/connection-summary";

const PASTE = {
  formLabel: "Connect GitHub with a token",
  fieldLabel: "GitHub App installation token (ghs_…)",
  placeholder: "ghs_…",
  submitLabel: "Connect with token",
  hint: "What GitHub answers to POST /app/installations/{id}/access_tokens; it is valid for one hour. Personal access tokens (ghp_…, github_pat_…) are not accepted.",
};

const WORDS = {
  subtitle: "Clone, push branches and open pull requests",
  connectLabel: "Connect GitHub",
  reconnectLabel: "Reconnect GitHub",
  oauthTitle: "Sign in on GitHub and allow Dispatch to push to your repositories",
  disconnected: "Agents cannot clone, push or open pull requests until GitHub is connected.",
  disconnectQuestion: "Disconnect GitHub? Its token is deleted, and agents cannot clone, push or open pull requests until someone connects GitHub again.",
  replaceLabel: "Paste a token instead",
  pasteHeadings: ["Or paste a token", "Paste a token"] as [string, string],
  oauthFirst: true,
  oauthMissing: (
    <>
      Connecting by OAuth needs a GitHub OAuth app: set <code className="font-mono">DISPATCH_GITHUB_CLIENT_ID</code> and{" "}
      <code className="font-mono">DISPATCH_GITHUB_CLIENT_SECRET</code> in the server&apos;s environment.
    </>
  ),
};

/** An admin's card for the workspace's GitHub connection: OAuth, a pasted installation token, disconnect. */
export function GitHubCard({ slug, connection: fromServer }: { slug: string; connection: ConnectionJson }) {
  // What the last action answered, until the server renders the page again.
  const [connection, setConnection] = useState(fromServer);
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setConnection(fromServer);
  }
  const router = useRouter();
  return (
    <ConnectionCard
      slug={slug}
      kind="github"
      name="GitHub"
      mark={<GitHubMark />}
      connection={connection}
      oauth={{ enabled: connection.oauth_configured, hint: null }}
      paste={PASTE}
      words={WORDS}
      onChanged={(change) => {
        setConnection(change.connection);
        // The repository checks on this page are the server's: they change with the connection.
        router.refresh();
      }}
    />
  );
}

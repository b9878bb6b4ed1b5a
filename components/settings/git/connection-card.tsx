"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { disconnectGitAction } from "@/app/actions/git-settings";
import { FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import type { GitConnectionJson } from "@/lib/git/connection";
import { ConnectionBadge } from "../badges";
import { ConnectGitHubButton } from "./connect-github-button";
import { ConnectionSummary, GitHubMark } from "./connection-summary";
import { GitTokenForm } from "./token-form";

/** An admin's card for the workspace's GitHub connection: its state, OAuth, a pasted installation token, disconnect. */
export function GitConnectionCard({ slug, connection: fromServer }: { slug: string; connection: GitConnectionJson }) {
  // What the last action answered, until the server renders the page again.
  const [connection, setConnection] = useState(fromServer);
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setConnection(fromServer);
  }
  const router = useRouter();
  const headingId = useId();
  const reasonId = useId();
  const remove = useServerAction((_: void) => disconnectGitAction(slug));
  const [pasting, setPasting] = useState(false);
  const connected = connection.status !== "disconnected";
  const showTokenForm = !connected || pasting;

  async function onDisconnect() {
    if (!window.confirm("Disconnect GitHub? Its token is deleted, and agents cannot clone, push or open pull requests until someone connects GitHub again.")) return;
    const result = await remove.run();
    if (result.ok) {
      setPasting(false);
      setConnection(result.data);
      // The repository checks below are the server's: they change with the connection.
      router.refresh();
    }
  }

  return (
    <section aria-labelledby={headingId} className="card divide-y divide-slate-100">
      <header className="flex items-center gap-3 px-5 py-4">
        <GitHubMark />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={headingId} className="font-semibold">
              GitHub
            </h3>
            <ConnectionBadge status={connection.status} />
          </div>
          <p className="text-xs text-slate-500">Clone, push branches and open pull requests</p>
        </div>
      </header>

      <div className="space-y-3 px-5 py-4">
        <ConnectionSummary connection={connection} />
        <FormError message={remove.error?.message} />
        <div className="flex flex-wrap items-center gap-2">
          <ConnectGitHubButton slug={slug} label={connected ? "Reconnect GitHub" : "Connect GitHub"} primary={!connected} disabledReasonId={connection.oauth_configured ? undefined : reasonId} />
          {connected && !pasting && (
            <button type="button" className="btn-secondary" onClick={() => setPasting(true)}>
              Paste a token instead
            </button>
          )}
          {connected && (
            <button type="button" className="btn-danger" onClick={onDisconnect} disabled={remove.pending}>
              {remove.pending ? "Disconnecting…" : "Disconnect"}
            </button>
          )}
        </div>
        {!connection.oauth_configured && (
          <p id={reasonId} className="text-xs text-slate-500">
            Connecting by OAuth needs a GitHub OAuth app: set <code className="font-mono">DISPATCH_GITHUB_CLIENT_ID</code> and{" "}
            <code className="font-mono">DISPATCH_GITHUB_CLIENT_SECRET</code> in the server&apos;s environment.
          </p>
        )}
      </div>

      {showTokenForm && (
        <div className="space-y-3 px-5 py-4">
          <h4 className="text-xs font-medium uppercase tracking-wide text-slate-400">
            {connected ? "Paste a token" : "Or paste a token"}
          </h4>
          <GitTokenForm
            slug={slug}
            onCancel={connected ? () => setPasting(false) : undefined}
            onConnected={(next) => {
              setPasting(false);
              setConnection(next);
              router.refresh();
            }}
          />
        </div>
      )}
    </section>
  );
}

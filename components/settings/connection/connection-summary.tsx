import { RelativeTime } from "@/components/ui/relative-time";
import type { ConnectionJson } from "@/lib/connections/service";

/** GitHub's mark (Primer Octicons, MIT). */
export function GitHubMark() {
  return (
    <svg aria-hidden viewBox="0 0 16 16" className="h-8 w-8 shrink-0 fill-current text-slate-900">
      <path d="M8 0c4.42 0 8 3.58 8 8a8.013 8.013 0 0 1-5.45 7.59c-.4.08-.55-.17-.55-.38 0-.27.01-1.13.01-2.2 0-.75-.25-1.23-.54-1.48 1.78-.2 3.65-.88 3.65-3.95 0-.88-.31-1.59-.82-2.15.08-.2.36-1.02-.08-2.12 0 0-.67-.22-2.2.82-.64-.18-1.32-.27-2-.27-.68 0-1.36.09-2 .27-1.53-1.03-2.2-.82-2.2-.82-.44 1.1-.16 1.92-.08 2.12-.51.56-.82 1.28-.82 2.15 0 3.06 1.86 3.75 3.64 3.95-.23.2-.44.55-.51 1.07-.46.21-1.61.55-2.33-.66-.15-.24-.6-.83-1.23-.82-.67.01-.27.38.01.53.34.19.73.9.82 1.13.16.45.68 1.31 2.69.94 0 .67.01 1.3.01 1.49 0 .21-.15.45-.55.38A7.995 7.995 0 0 1 0 8c0-4.42 3.58-8 8-8Z" />
    </svg>
  );
}

const strong = (text: string) => <span className="font-medium text-slate-900">{text}</span>;

/**
 * Whom the connection acts as, who connected it and when, and when its token expires: whatever
 * the page handed over (members get the status and login only).
 */
export function ConnectionSummary({ connection, name, disconnected }: { connection: ConnectionJson; name: string; disconnected: string }) {
  if (connection.status === "disconnected") return <p className="text-sm text-slate-500">{disconnected}</p>;
  const expires = connection.expires_at ? new Date(connection.expires_at) : null;
  const expired = !!expires && expires.getTime() <= Date.now();
  const as = connection.login ? <>Acting as {strong(connection.login)}</> : connection.kind === "installation" ? "Through a GitHub App installation token" : null;
  const by = connection.connected_by && <>{as ? " · connected by " : "Connected by "}{strong(connection.connected_by)}</>;
  return (
    <div className="space-y-1 text-sm text-slate-600">
      {connection.status === "needs_reconnect" && <p className="text-amber-800">The token expired and could not be renewed; reconnect {name} so its work can go on.</p>}
      <p data-testid="git-connection-details">
        {as}
        {by ?? (as ? null : "Connected")}
        {connection.connected_at && (
          <>
            {" "}
            <RelativeTime date={connection.connected_at} />
          </>
        )}
        {expires && (
          <span className={expired ? "text-red-600" : undefined}>
            {" · "}
            {expired ? "token expired " : "token expires "}
            <RelativeTime date={expires} />
          </span>
        )}
      </p>
    </div>
  );
}

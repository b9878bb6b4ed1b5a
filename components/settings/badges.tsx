import type { ConnectionStatus } from "./types";

const CONNECTION: Record<ConnectionStatus, { label: string; className: string }> = {
  connected: { label: "Connected", className: "bg-emerald-50 text-emerald-700 ring-emerald-600/20" },
  disconnected: { label: "Not connected", className: "bg-slate-100 text-slate-600 ring-slate-500/20" },
  needs_reconnect: { label: "Needs reconnect", className: "bg-amber-50 text-amber-800 ring-amber-600/20" },
};

const pill = "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  const s = CONNECTION[status];
  return (
    <span className={`${pill} ${s.className}`} data-testid="connection-status">
      <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-current" />
      {s.label}
    </span>
  );
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return <span className={`${pill} ${enabled ? "bg-indigo-50 text-indigo-700 ring-indigo-600/20" : "bg-slate-100 text-slate-500 ring-slate-500/20"}`}>{enabled ? "Enabled" : "Disabled"}</span>;
}

export function ModeLabel({ mode }: { mode: "autonomous" | "comment_only" }) {
  return <>{mode === "autonomous" ? "Autonomous" : "Comment only"}</>;
}

/** `run \`claude setup-token\`` with the command in code type. */
export function WithCode({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, i) =>
        part.startsWith("`") && part.endsWith("`") ? (
          <code key={i} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

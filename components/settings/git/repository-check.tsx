import type { RepositoryCheckJson } from "@/lib/git/access";

/**
 * The access check under a project's repository: green when agents can clone and push; amber when
 * GitHub is not connected (yet) or the connection can read but not push; red when a working
 * connection cannot see the repository at all.
 */
export function RepositoryCheck({ check, connected, pending = false }: { check: RepositoryCheckJson | null; connected: boolean; pending?: boolean }) {
  if (pending) {
    return (
      <p role="status" data-testid="repository-check" className="text-sm text-slate-500">
        Checking access on GitHub…
      </p>
    );
  }
  if (!check) {
    return (
      <p role="status" data-testid="repository-check" data-ok="false" className="text-sm text-slate-500">
        No repository: agents work in an empty folder and their changes are not kept.
      </p>
    );
  }
  const tone = check.ok ? "border-emerald-200 bg-emerald-50 text-emerald-800" : check.html_url || !connected ? "border-amber-200 bg-amber-50 text-amber-900" : "border-red-200 bg-red-50 text-red-700";
  return (
    <div role="status" data-testid="repository-check" data-ok={String(check.ok)} className={`flex items-start gap-2 rounded-md border px-3 py-2 text-sm ${tone}`}>
      <span aria-hidden className="mt-px font-semibold">
        {check.ok ? "✓" : "!"}
      </span>
      <p className="min-w-0 flex-1">
        {check.message}
        {check.html_url && (
          <>
            {" "}
            <a href={check.html_url} target="_blank" rel="noreferrer" className="whitespace-nowrap font-medium underline underline-offset-2">
              Open on GitHub
            </a>
          </>
        )}
      </p>
    </div>
  );
}

import type { ConnectionJson } from "@/lib/connections/json";
import { EmptyState } from "@/components/ui/page-header";
import { ConnectionBadge } from "../badges";
import { ConnectionSummary, GitHubMark } from "../connection/connection-summary";
import type { ProjectRepository } from "./repositories-card";
import { RepositoryCheck } from "./repository-check";

/** Members and guests: whether GitHub is connected and as whom, with no controls and no connection details. */
export function ReadOnlyGitConnection({ connection }: { connection: ConnectionJson }) {
  return (
    <div className="card px-5 py-4">
      <div className="flex items-center gap-3">
        <GitHubMark />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-semibold">GitHub</h3>
            <ConnectionBadge status={connection.status} />
          </div>
          <p className="text-xs text-slate-500">Clone, push branches and open pull requests</p>
        </div>
      </div>
      <div className="mt-3">
        <ConnectionSummary connection={connection} name="GitHub" disconnected="Agents cannot clone, push or open pull requests until GitHub is connected." />
      </div>
    </div>
  );
}

/** Each project's repository and default branch; the access check when the viewer may see it (members, not guests). */
export function ReadOnlyRepositories({ projects, showChecks, connected }: { projects: ProjectRepository[]; showChecks: boolean; connected: boolean }) {
  if (projects.length === 0) return <EmptyState title="No projects yet" />;
  return (
    <ul className="card divide-y divide-slate-100" aria-label="Project repositories">
      {projects.map((p) => (
        <li key={p.identifier} className="space-y-3 px-5 py-4">
          <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <h3 className="text-sm font-semibold">{p.name}</h3>
            <span className="font-mono text-xs text-slate-500">{p.identifier}</span>
            <span className="ml-auto text-sm text-slate-600">
              {p.repository ? (
                <>
                  <span className="font-mono text-slate-900">{p.repository}</span> · default branch <span className="font-mono text-slate-900">{p.default_branch}</span>
                </>
              ) : (
                "No repository"
              )}
            </span>
          </div>
          {showChecks && p.repository && <RepositoryCheck check={p.check} connected={connected} />}
        </li>
      ))}
    </ul>
  );
}

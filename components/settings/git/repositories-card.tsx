"use client";

import { useState } from "react";
import { setProjectRepositoryAction } from "@/app/actions/git-settings";
import { Field, FormError } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/page-header";
import { useServerAction } from "@/components/ui/use-server-action";
import type { RepositoryCheckJson } from "@/lib/git/access";
import { RepositoryCheck } from "./repository-check";

/** One project as Settings → Git shows it: its repository, default branch and the last access check (null: no repository). */
export type ProjectRepository = {
  identifier: string;
  name: string;
  repository: string | null;
  default_branch: string;
  check: RepositoryCheckJson | null;
};

type Input = { repository: string; default_branch: string };

/** Admins: each project's GitHub repository and default branch, saved one row at a time and checked on save. */
export function RepositoriesCard({ slug, projects, connected }: { slug: string; projects: ProjectRepository[]; connected: boolean }) {
  if (projects.length === 0) return <EmptyState title="No projects yet">Create a project, then choose the repository its agents deliver to here.</EmptyState>;
  return (
    <ul className="card divide-y divide-slate-100" aria-label="Project repositories">
      {projects.map((p) => (
        <li key={p.identifier} className="px-5 py-4">
          <RepositoryRow slug={slug} project={p} connected={connected} />
        </li>
      ))}
    </ul>
  );
}

function RepositoryRow({ slug, project: fromServer, connected }: { slug: string; project: ProjectRepository; connected: boolean }) {
  const save = useServerAction((input: Input) => setProjectRepositoryAction(slug, fromServer.identifier, input));
  const [project, setProject] = useState(fromServer);
  const [repository, setRepository] = useState(fromServer.repository ?? "");
  const [branch, setBranch] = useState(fromServer.default_branch);
  // Saving any row re-renders the page: take the server's values, but never over what is being typed here.
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setProject(fromServer);
    if (repository === (project.repository ?? "")) setRepository(fromServer.repository ?? "");
    if (branch === project.default_branch) setBranch(fromServer.default_branch);
  }

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const result = await save.run({ repository, default_branch: branch });
    if (result.ok) {
      setProject((p) => ({ ...p, ...result.data }));
      setRepository(result.data.repository ?? "");
      setBranch(result.data.default_branch);
    }
  }

  const otherError = save.error && save.error.field !== "repository" && save.error.field !== "default_branch" ? save.error.message : undefined;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`${project.name} repository`} className="space-y-3">
      <div className="flex items-baseline gap-2">
        <h3 className="text-sm font-semibold">{project.name}</h3>
        <span className="font-mono text-xs text-slate-500">{project.identifier}</span>
      </div>
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start">
        <Field label="Repository" error={save.fieldError("repository")}>
          {(p) => (
            <input
              {...p}
              className="input font-mono"
              placeholder="owner/name"
              autoComplete="off"
              spellCheck={false}
              value={repository}
              onChange={(e) => setRepository(e.target.value)}
            />
          )}
        </Field>
        <Field label="Default branch" error={save.fieldError("default_branch")}>
          {(p) => <input {...p} className="input font-mono" placeholder="main" autoComplete="off" spellCheck={false} value={branch} onChange={(e) => setBranch(e.target.value)} />}
        </Field>
        <div className="sm:pt-[1.625rem]">
          <button type="submit" className="btn-secondary" disabled={save.pending}>
            {save.pending ? "Saving…" : "Save"}
          </button>
        </div>
      </div>
      <FormError message={otherError} />
      <RepositoryCheck check={project.repository ? project.check : null} connected={connected} pending={save.pending} />
    </form>
  );
}

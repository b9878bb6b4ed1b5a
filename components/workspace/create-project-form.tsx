"use client";

import { useRouter } from "next/navigation";
import { createProjectAction } from "@/app/actions/create-project";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";

export function CreateProjectForm({ slug }: { slug: string }) {
  const router = useRouter();
  const action = useServerAction((input: Parameters<typeof createProjectAction>[1]) => createProjectAction(slug, input));

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const result = await action.run({
      name: String(f.get("name") ?? ""),
      identifier: String(f.get("identifier") ?? ""),
      repository: String(f.get("repository") ?? ""),
      default_branch: String(f.get("default_branch") ?? ""),
    });
    if (!result.ok) return;
    router.push(`/${slug}/projects/${result.data.identifier}`);
    // The sidebar (the workspace layout, kept across navigations) lists the new project.
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <div className="sm:col-span-2">
        <FormError message={action.formError} />
      </div>
      <Field label="Name" error={action.fieldError("name")}>
        {(p) => <input {...p} name="name" className="input" placeholder="Website" />}
      </Field>
      <Field label="Identifier" error={action.fieldError("identifier")} hint="Prefix of issue ids, e.g. WEB for WEB-12.">
        {(p) => <input {...p} name="identifier" className="input uppercase" placeholder="WEB" maxLength={10} />}
      </Field>
      <Field label="Git repository (optional)" error={action.fieldError("repository")} hint="owner/name on GitHub, or a clone URL.">
        {(p) => <input {...p} name="repository" className="input" placeholder="acme/website" />}
      </Field>
      <Field label="Default branch" error={action.fieldError("default_branch")}>
        {(p) => <input {...p} name="default_branch" className="input" placeholder="main" />}
      </Field>
      <div className="sm:col-span-2">
        <button type="submit" className="btn-primary" disabled={action.pending}>
          {action.pending ? "Creating…" : "Create project"}
        </button>
      </div>
    </form>
  );
}

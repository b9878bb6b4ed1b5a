"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createWorkspaceAction } from "@/app/actions/create-workspace";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";

const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

export function CreateWorkspaceForm() {
  const router = useRouter();
  const action = useServerAction(createWorkspaceAction);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const result = await action.run({ name, slug });
    if (result.ok) router.push(`/${result.data.slug}`);
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <div className="sm:col-span-2">
        <FormError message={action.formError} />
      </div>
      <Field label="Workspace name" error={action.fieldError("name")}>
        {(p) => (
          <input
            {...p}
            className="input"
            value={name}
            placeholder="Acme Inc"
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
          />
        )}
      </Field>
      <Field label="URL slug" error={action.fieldError("slug")} hint="Lower-case letters, digits and hyphens.">
        {(p) => (
          <input
            {...p}
            className="input"
            value={slug}
            placeholder="acme"
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
          />
        )}
      </Field>
      <div className="sm:col-span-2">
        <button type="submit" className="btn-primary" disabled={action.pending}>
          {action.pending ? "Creating…" : "Create workspace"}
        </button>
      </div>
    </form>
  );
}

"use client";

import { useState } from "react";
import { updateIssueAction } from "@/app/actions/update-issue";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";

type Props = { slug: string; issueKey: string; canWrite: boolean; title: string; description: string; descriptionHtml: string };

/** Title and markdown description, each editable in place by members. */
export function IssueDetails(props: Props) {
  const [current, setCurrent] = useState({ title: props.title, description: props.description, descriptionHtml: props.descriptionHtml });
  const [editing, setEditing] = useState(false);
  const action = useServerAction((patch: { title: string; description: string }) => updateIssueAction(props.slug, props.issueKey, patch));

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const result = await action.run({ title: String(f.get("title") ?? ""), description: String(f.get("description") ?? "") });
    if (!result.ok) return;
    setCurrent({ title: result.data.title, description: result.data.description, descriptionHtml: result.data.descriptionHtml });
    setEditing(false);
  }

  if (editing) {
    return (
      <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Edit issue">
        <FormError message={action.formError} />
        <Field label="Title" error={action.fieldError("title")}>
          {(p) => <input {...p} name="title" defaultValue={current.title} className="input text-lg font-semibold" autoFocus />}
        </Field>
        <Field label="Description" error={action.fieldError("description")} hint="Markdown is supported.">
          {(p) => <textarea {...p} name="description" defaultValue={current.description} rows={10} className="input font-mono text-[13px]" />}
        </Field>
        <div className="flex gap-2">
          <button type="submit" className="btn-primary" disabled={action.pending}>
            {action.pending ? "Saving…" : "Save"}
          </button>
          <button type="button" className="btn-secondary" onClick={() => (setEditing(false), action.clearError())}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <section>
      <div className="flex items-start justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{current.title}</h1>
        {props.canWrite && (
          <button type="button" className="btn-ghost shrink-0 py-1" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </div>
      {current.description.trim() ? (
        <div className="prose-markdown mt-4" dangerouslySetInnerHTML={{ __html: current.descriptionHtml }} />
      ) : (
        <p className="mt-4 text-sm italic text-slate-400">No description.</p>
      )}
    </section>
  );
}

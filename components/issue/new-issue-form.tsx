"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { createIssueAction } from "@/app/actions/create-issue";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";
import { ISSUE_STATES } from "@/lib/issues/schemas";
import { STATE_LABELS } from "./state";

export function NewIssueButton({ slug, identifier }: { slug: string; identifier: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setOpen(true)}>
        New issue
      </button>
      {open && <NewIssueDialog slug={slug} identifier={identifier} onClose={() => setOpen(false)} />}
    </>
  );
}

function NewIssueDialog({ slug, identifier, onClose }: { slug: string; identifier: string; onClose: () => void }) {
  const router = useRouter();
  const action = useServerAction((input: { title: string; description: string; state: string }) => createIssueAction(slug, identifier, input));
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const result = await action.run({ title: String(f.get("title") ?? ""), description: String(f.get("description") ?? ""), state: String(f.get("state")) });
    if (!result.ok) return;
    router.push(`/${slug}/issue/${result.data.key}`);
    // The sidebar's open-issue counts live in the workspace layout, kept across navigations.
    router.refresh();
  }

  return (
    <dialog ref={dialog} onClose={onClose} className="w-full max-w-xl rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/30" aria-label="New issue">
      <form onSubmit={onSubmit} className="space-y-4 p-6" noValidate>
        <h2 className="text-base font-semibold">New issue in {identifier}</h2>
        <FormError message={action.formError} />
        <Field label="Title" error={action.fieldError("title")}>
          {(p) => <input {...p} name="title" className="input" autoFocus placeholder="Short summary of the problem" />}
        </Field>
        <Field label="Description" error={action.fieldError("description")} hint="Markdown is supported.">
          {(p) => <textarea {...p} name="description" rows={6} className="input font-mono text-[13px]" placeholder="Steps to reproduce, expected and actual behaviour…" />}
        </Field>
        <Field label="State" error={action.fieldError("state")}>
          {(p) => (
            <select {...p} name="state" className="input w-48" defaultValue="backlog">
              {ISSUE_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className="btn-secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="btn-primary" disabled={action.pending}>
            {action.pending ? "Creating…" : "Create issue"}
          </button>
        </div>
      </form>
    </dialog>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { deleteLabelAction } from "@/app/actions/labels";
import { NewLabelForm } from "@/components/issue/labels-field";
import { LabelRow } from "./label-row";
import { useServerAction } from "@/components/ui/use-server-action";

type Label = { id: string; name: string; color: string };

/** The workspace's labels: members add, rename and recolour them; admins delete them (which takes them off every issue). */
export function LabelsManager({ slug, labels, canCreate, canDelete }: { slug: string; labels: Label[]; canCreate: boolean; canDelete: boolean }) {
  const router = useRouter();
  const remove = useServerAction((id: string) => deleteLabelAction(slug, id));

  async function onDelete(label: Label) {
    if (!window.confirm(`Delete the label "${label.name}"? It is taken off every issue.`)) return;
    if ((await remove.run(label.id)).ok) router.refresh();
  }

  return (
    <>
      {canCreate && (
        <section aria-labelledby="new-label-heading" className="card p-5">
          <h2 id="new-label-heading" className="mb-3 text-base font-semibold">
            New label
          </h2>
          <NewLabelForm slug={slug} compact={false} onCreated={() => router.refresh()} />
        </section>
      )}
      <section aria-labelledby="labels-heading" className="space-y-3">
        <h2 id="labels-heading" className="text-base font-semibold">
          Labels <span className="ml-1 text-sm font-normal text-slate-400">{labels.length}</span>
        </h2>
        {labels.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white/60 px-6 py-8 text-center text-sm text-slate-500">
            No labels yet.{canCreate ? " Create one above, or while labelling an issue." : ""}
          </p>
        ) : (
          <ul className="card divide-y divide-slate-100" aria-label="Labels">
            {labels.map((l) => (
              <LabelRow key={l.id} slug={slug} label={l} canEdit={canCreate} canDelete={canDelete} onDelete={() => onDelete(l)} onSaved={() => router.refresh()} />
            ))}
          </ul>
        )}
        {remove.error && (
          <p role="alert" className="text-sm text-red-600">
            {remove.error.message}
          </p>
        )}
      </section>
    </>
  );
}

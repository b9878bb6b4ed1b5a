"use client";

import { useState } from "react";
import { updateLabelAction } from "@/app/actions/labels";
import { ColorSwatches } from "@/components/issue/color-swatches";
import { useServerAction } from "@/components/ui/use-server-action";

type Label = { id: string; name: string; color: string };

/** One label in settings: its name and colour, edited in place by members, deleted by admins. */
export function LabelRow({ slug, label, canEdit, canDelete, onDelete, onSaved }: { slug: string; label: Label; canEdit: boolean; canDelete: boolean; onDelete: () => void; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(label.color);
  const save = useServerAction((input: { name: string; color: string }) => updateLabelAction(slug, label.id, input));

  function open() {
    setName(label.name);
    setColor(label.color);
    save.clearError();
    setEditing(true);
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if ((await save.run({ name, color })).ok) {
      setEditing(false);
      onSaved();
    }
  }

  if (editing) {
    return (
      <li className="px-4 py-3">
        <form onSubmit={submit} aria-label={`Edit label ${label.name}`} className="flex flex-wrap items-center gap-3">
          <input
            aria-label="Label name"
            className="input max-w-64 flex-1 py-1 text-sm"
            value={name}
            maxLength={40}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
          />
          <ColorSwatches value={color} onChange={setColor} name={`label-color-${label.id}`} />
          <button type="submit" className="btn-primary px-3 py-1 text-xs" disabled={save.pending || !name.trim()}>
            Save
          </button>
          <button type="button" className="btn-secondary px-3 py-1 text-xs" onClick={() => setEditing(false)}>
            Cancel
          </button>
          {save.error && (
            <p role="alert" className="basis-full text-xs text-red-600">
              {save.error.message}
            </p>
          )}
        </form>
      </li>
    );
  }

  return (
    <li className="flex items-center gap-3 px-4 py-2.5">
      <span aria-hidden className="h-3 w-3 shrink-0 rounded-full" style={{ backgroundColor: label.color }} />
      <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-800">{label.name}</span>
      <span className="font-mono text-xs text-slate-400">{label.color}</span>
      {canEdit && (
        <button type="button" className="btn-secondary px-2 py-0.5 text-xs" aria-label={`Edit label ${label.name}`} onClick={open}>
          Edit
        </button>
      )}
      {canDelete && (
        <button type="button" className="btn-danger px-2 py-0.5 text-xs" aria-label={`Delete label ${label.name}`} onClick={onDelete}>
          Delete
        </button>
      )}
    </li>
  );
}

/** A workspace label: its colour as a dot, its name as text (readable whatever the colour). */
export function LabelChip({ label, onRemove }: { label: { name: string; color: string }; onRemove?: () => void }) {
  return (
    <span className="inline-flex max-w-full items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-xs font-medium text-slate-700">
      <span aria-hidden className="h-2 w-2 shrink-0 rounded-full" style={{ backgroundColor: label.color }} />
      <span className="truncate">{label.name}</span>
      {onRemove && (
        <button type="button" aria-label={`Remove label ${label.name}`} className="-mr-0.5 text-slate-400 hover:text-slate-700" onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

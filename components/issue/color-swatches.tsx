"use client";

import { LABEL_COLORS } from "@/lib/issues/schemas";

/** The label colours to choose from, as a row of radio swatches. */
export function ColorSwatches({ value, onChange, name }: { value: string; onChange: (color: string) => void; name: string }) {
  return (
    <div role="radiogroup" aria-label="Colour" className="flex flex-wrap gap-1.5">
      {LABEL_COLORS.map((c) => (
        <button
          key={c}
          type="button"
          role="radio"
          aria-checked={value === c}
          aria-label={c}
          name={name}
          onClick={() => onChange(c)}
          className={`h-5 w-5 rounded-full ring-offset-2 transition ${value === c ? "ring-2 ring-slate-500" : "hover:ring-2 hover:ring-slate-300"}`}
          style={{ backgroundColor: c }}
        />
      ))}
    </div>
  );
}

/** A small coloured mark per provider, so side-by-side cards are told apart at a glance. */
const MARKS: Record<string, { letter: string; className: string }> = {
  claude: { letter: "C", className: "bg-orange-100 text-orange-700 ring-orange-200" },
  gemini: { letter: "G", className: "bg-sky-100 text-sky-700 ring-sky-200" },
};

export function ProviderMark({ provider, size = "sm" }: { provider: string; size?: "xs" | "sm" }) {
  const mark = MARKS[provider] ?? { letter: provider.slice(0, 1).toUpperCase(), className: "bg-slate-100 text-slate-700 ring-slate-200" };
  const box = size === "xs" ? "h-4 w-4 text-[10px]" : "h-8 w-8 text-sm";
  return (
    <span aria-hidden className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold ring-1 ${box} ${mark.className}`}>
      {mark.letter}
    </span>
  );
}

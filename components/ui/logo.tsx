export function Logo({ size = "md" }: { size?: "md" | "lg" }) {
  const box = size === "lg" ? "h-10 w-10 text-lg" : "h-7 w-7 text-sm";
  return (
    <span className="inline-flex items-center gap-2">
      <span aria-hidden className={`inline-flex items-center justify-center rounded-lg bg-indigo-600 font-bold text-white shadow-sm ${box}`}>
        D
      </span>
      <span className={`font-semibold tracking-tight text-slate-900 ${size === "lg" ? "text-2xl" : "text-base"}`}>Dispatch</span>
    </span>
  );
}

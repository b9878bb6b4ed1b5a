export default function Loading() {
  return (
    <div className="animate-pulse space-y-4 p-8" aria-busy="true" aria-label="Loading">
      <div className="h-6 w-48 rounded bg-slate-200" />
      <div className="h-4 w-80 rounded bg-slate-200" />
      <div className="h-32 rounded-lg bg-slate-200/70" />
    </div>
  );
}

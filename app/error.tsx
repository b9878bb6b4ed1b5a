"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-6 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="max-w-sm text-sm text-slate-500">We could not load this page. Your data is safe; try again in a moment.</p>
      <button type="button" onClick={reset} className="btn-secondary mt-2">
        Try again
      </button>
    </main>
  );
}

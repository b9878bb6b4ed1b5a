import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="max-w-sm text-sm text-slate-500">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="btn-secondary mt-2">
        Back to your workspaces
      </Link>
    </main>
  );
}

import Link from "next/link";
import { getDb } from "@/db/client";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "@/components/ui/logo";
import { CreateWorkspaceForm } from "@/components/workspace/create-workspace-form";
import { requireUser } from "@/lib/auth/session";
import { getMyWorkspaces } from "@/lib/workspaces/service";

export default async function HomePage() {
  const user = await requireUser();
  const workspaces = await getMyWorkspaces(getDb(), user.id);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl items-center justify-between px-6 py-3">
          <Logo />
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <span>{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-3xl space-y-8 px-6 py-10">
        <section>
          <h1 className="text-xl font-semibold tracking-tight">Your workspaces</h1>
          {workspaces.length === 0 ? (
            <p className="mt-2 text-sm text-slate-500">You are not in any workspace yet. Create one below, or ask an admin to add you.</p>
          ) : (
            <ul className="card mt-4 divide-y divide-slate-100">
              {workspaces.map((w) => (
                <li key={w.id}>
                  <Link href={`/${w.slug}`} className="flex items-center justify-between px-4 py-3 hover:bg-slate-50">
                    <span>
                      <span className="font-medium">{w.name}</span>
                      <span className="ml-2 text-sm text-slate-400">/{w.slug}</span>
                    </span>
                    <span className="text-xs capitalize text-slate-500">{w.role}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card p-6">
          <h2 className="mb-4 font-semibold">Create a workspace</h2>
          <CreateWorkspaceForm />
        </section>
      </main>
    </div>
  );
}

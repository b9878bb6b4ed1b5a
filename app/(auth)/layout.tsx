import { Logo } from "@/components/ui/logo";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-50 to-slate-100 px-4 py-12">
      <div className="mb-8 flex flex-col items-center gap-2 text-center">
        <Logo size="lg" />
        <p className="text-sm text-slate-500">The issue tracker where your team hands work to AI agents.</p>
      </div>
      <div className="card w-full max-w-sm p-6">{children}</div>
    </main>
  );
}

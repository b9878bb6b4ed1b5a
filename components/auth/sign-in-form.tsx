"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Field, FormError } from "@/components/ui/field";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { signInErrorMessage } from "@/lib/auth/sign-in-error";

type Props = { callbackUrl: string; providers: { id: string; name: string }[]; initialError?: string };

export function SignInForm({ callbackUrl, providers, initialError }: Props) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, start] = useTransition();

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    start(async () => {
      const res = await signIn("credentials", { redirect: false, email: form.get("email"), password: form.get("password") });
      if (!res || res.error) {
        setError(signInErrorMessage(res?.error));
        return;
      }
      // The page already checked it; checked again here because this is where the browser goes.
      router.push(safeCallbackUrl(callbackUrl, window.location.origin));
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <FormError message={error} />
      <form onSubmit={onSubmit} className="space-y-4">
        <Field label="Email">{(p) => <input {...p} name="email" type="email" autoComplete="email" required className="input" />}</Field>
        <Field label="Password">
          {(p) => <input {...p} name="password" type="password" autoComplete="current-password" required className="input" />}
        </Field>
        <button type="submit" disabled={pending} className="btn-primary w-full">
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {providers.length > 0 && (
        <>
          <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400">
            <span className="h-px flex-1 bg-slate-200" />
            or
            <span className="h-px flex-1 bg-slate-200" />
          </div>
          {providers.map((p) => (
            <button key={p.id} type="button" className="btn-secondary w-full" onClick={() => signIn(p.id, { callbackUrl })}>
              Continue with {p.name}
            </button>
          ))}
        </>
      )}
    </div>
  );
}

"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { signUpAction } from "@/app/actions/sign-up";
import { Field, FormError } from "@/components/ui/field";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { useServerAction } from "@/components/ui/use-server-action";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const action = useServerAction(signUpAction);
  const [signInError, setSignInError] = useState<string>();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { name: String(form.get("name")), email: String(form.get("email")), password: String(form.get("password")) };
    const result = await action.run(input);
    if (!result.ok) return;
    const res = await signIn("credentials", { redirect: false, email: input.email, password: input.password });
    if (!res || res.error) return setSignInError("Your account was created, but signing in failed. Try signing in.");
    // The page already checked it; checked again here because this is where the browser goes.
    router.push(safeCallbackUrl(callbackUrl, window.location.origin));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={action.formError ?? signInError} />
      <Field label="Name" error={action.fieldError("name")}>
        {(p) => <input {...p} name="name" autoComplete="name" required className="input" />}
      </Field>
      <Field label="Email" error={action.fieldError("email")}>
        {(p) => <input {...p} name="email" type="email" autoComplete="email" required className="input" />}
      </Field>
      <Field label="Password" error={action.fieldError("password")} hint="At least 8 characters.">
        {(p) => <input {...p} name="password" type="password" autoComplete="new-password" required className="input" />}
      </Field>
      <button type="submit" disabled={action.pending} className="btn-primary w-full">
        {action.pending ? "Creating account…" : "Create account"}
      </button>
    </form>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { oauthProviderButtons } from "@/lib/auth/options";
import { getCurrentUser } from "@/lib/auth/session";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { signInErrorMessage } from "@/lib/auth/sign-in-error";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const oauthErrors: Record<string, string> = {
  OAuthAccountNotLinked: "An account with this email already exists. Sign in with your password.",
  OAuthNoEmail: "Your provider did not share an email address, which Dispatch needs.",
  AccessDenied: "Sign-in was cancelled or refused.",
};

// A query parameter given twice arrives as an array: typed as what it can be, not what we hope.
type Query = { callbackUrl?: string | string[]; error?: string | string[] };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Query> }) {
  const { callbackUrl, error } = await searchParams;
  const target = safeCallbackUrl(callbackUrl, env().NEXTAUTH_URL);
  if (await getCurrentUser()) redirect(target);
  return (
    <>
      <h1 className="mb-5 text-lg font-semibold">Sign in</h1>
      <SignInForm
        callbackUrl={target}
        providers={oauthProviderButtons()}
        initialError={error ? (oauthErrors[String(error)] ?? signInErrorMessage(String(error))) : undefined}
      />
      <p className="mt-5 text-center text-sm text-slate-500">
        New to Dispatch?{" "}
        <Link href={`/signup${target !== "/" ? `?callbackUrl=${encodeURIComponent(target)}` : ""}`} className="font-medium text-indigo-600 hover:text-indigo-500">
          Create an account
        </Link>
      </p>
    </>
  );
}

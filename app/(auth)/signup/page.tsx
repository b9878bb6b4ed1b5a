import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getCurrentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const target = safeCallbackUrl((await searchParams).callbackUrl, env().NEXTAUTH_URL);
  if (await getCurrentUser()) redirect(target);
  return (
    <>
      <h1 className="mb-5 text-lg font-semibold">Create your account</h1>
      <SignUpForm callbackUrl={target} />
      <p className="mt-5 text-center text-sm text-slate-500">
        Already have an account?{" "}
        <Link href={`/signin${target !== "/" ? `?callbackUrl=${encodeURIComponent(target)}` : ""}`} className="font-medium text-indigo-600 hover:text-indigo-500">
          Sign in
        </Link>
      </p>
    </>
  );
}

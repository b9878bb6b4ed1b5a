"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button type="button" className="btn-ghost px-2 py-1" onClick={() => signOut({ callbackUrl: "/signin" })}>
      Sign out
    </button>
  );
}

"use server";

import { headers } from "next/headers";
import { getDb } from "@/db/client";
import type { ActionResult } from "@/lib/actions/result";
import { signUpWithLimit } from "@/lib/auth/limited-attempts";
import { toDispatchError } from "@/lib/errors";
import { clientIp } from "@/lib/rate-limit/client-ip";

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<ActionResult<{ email: string }>> {
  try {
    const user = await signUpWithLimit(getDb(), input, clientIp(await headers()));
    return { ok: true, data: { email: user.email } };
  } catch (err) {
    return { ok: false, error: toDispatchError(err).toJSON() };
  }
}

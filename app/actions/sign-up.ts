"use server";

import { getDb } from "@/db/client";
import type { ActionResult } from "@/lib/actions/result";
import { toDispatchError } from "@/lib/errors";
import { signUp } from "@/lib/users/service";

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<ActionResult<{ email: string }>> {
  try {
    const user = await signUp(getDb(), input);
    return { ok: true, data: { email: user.email } };
  } catch (err) {
    return { ok: false, error: toDispatchError(err).toJSON() };
  }
}

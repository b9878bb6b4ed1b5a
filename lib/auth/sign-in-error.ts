import { tooManyAttemptsMessage } from "@/lib/rate-limit/retry-message";

// next-auth hands a credentials sign-in's failure to the browser as one string (its `error`):
// a refusal over the limit is sent as `rate_limit:signin:<seconds>` so the form can say how long.
const REFUSED = /^rate_limit:signin:(\d{1,7})$/;

export const signInRefusalCode = (retryAfterSeconds: number) => `rate_limit:signin:${Math.max(1, Math.ceil(retryAfterSeconds))}`;

/** What the sign-in form says for next-auth's `error`. */
export function signInErrorMessage(error: string | null | undefined): string {
  const refused = error ? REFUSED.exec(error) : null;
  if (refused) return tooManyAttemptsMessage(Number(refused[1]));
  if (error === "CredentialsSignin") return "Wrong email or password.";
  return "Sign-in failed. Please try again.";
}

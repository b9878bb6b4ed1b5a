import "server-only";
import type { Db } from "@/db/client";
import { DispatchError } from "@/lib/errors";
import { clientIp, UNKNOWN_ADDRESS } from "@/lib/rate-limit/client-ip";
import { getRateLimiter, hashedSubject, LIMITS, type Counter } from "@/lib/rate-limit/failure-limiter";
import { authenticate, signUp, type PublicUser } from "@/lib/users/service";
import { signInRefusalCode } from "./sign-in-error";

// The attempts someone could repeat to guess a secret or probe who has an account, each under
// its failure limits (10 failures in 15 minutes, see lib/rate-limit/failure-limiter.ts).

/**
 * Per-address counters only for a known address: without one (no DISPATCH_TRUST_PROXY) every client
 * would share a single counter, and ten wrong passwords from anyone would lock everyone out.
 */
const byAddress = (limit: Counter["limit"], ip: string): Counter[] => (ip === UNKNOWN_ADDRESS ? [] : [{ limit, subject: ip }]);

function signInCounters(email: string, ip: string): { account: Counter; address: Counter[] } {
  return { account: { limit: LIMITS.signInAccount, subject: hashedSubject(email) }, address: byAddress(LIMITS.signInAddress, ip) };
}

/** A password sign-in. Wrong passwords count for the account and the address; the right one clears the account's count. */
export async function signInWithPassword(db: Db, args: { email: string; password: string; ip: string }): Promise<PublicUser | null> {
  const { account, address } = signInCounters(args.email, args.ip);
  return getRateLimiter().attempt([account, ...address], "signin", () => authenticate(db, args.email, args.password), {
    failed: (user) => !user,
    resetOnSuccess: [account],
  });
}

/**
 * next-auth's credentials callback, before next-auth runs: over the limit, a 429 with Retry-After
 * (next-auth itself can only answer 401). The body keeps next-auth's `{ url }` shape, whose
 * `error` the sign-in form reads. Null: let next-auth handle it.
 */
export async function refuseSignInOverLimit(req: Request): Promise<Response | null> {
  const email = await emailOf(req);
  if (!email) return null;
  const { account, address } = signInCounters(email, clientIp(req.headers));
  try {
    await getRateLimiter().assertAllowed([account, ...address], "signin");
    return null;
  } catch (err) {
    if (!(err instanceof DispatchError) || err.retryAfterSeconds === undefined) throw err;
    const url = new URL("/api/auth/error", req.url);
    url.searchParams.set("error", signInRefusalCode(err.retryAfterSeconds));
    return Response.json({ url: url.toString(), error: err.toJSON() }, { status: 429, headers: { "retry-after": String(err.retryAfterSeconds) } });
  }
}

async function emailOf(req: Request): Promise<string | undefined> {
  const type = req.headers.get("content-type") ?? "";
  try {
    const body = type.includes("application/json") ? ((await req.clone().json()) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(await req.clone().text()));
    return typeof body.email === "string" && body.email ? body.email : undefined;
  } catch {
    return undefined;
  }
}

/** Sign-up answers "this email has an account": refused sign-ups count per address. */
export async function signUpWithLimit(db: Db, input: unknown, ip: string): Promise<PublicUser> {
  return getRateLimiter().attempt(byAddress(LIMITS.signUpAddress, ip), "signup", () => signUp(db, input));
}

/** Pasting a provider or GitHub token: rejected tokens count per workspace and address. */
export async function pasteTokenWithLimit<T>(workspaceId: string, ip: string, paste: () => Promise<T>): Promise<T> {
  return getRateLimiter().attempt([{ limit: LIMITS.tokenPaste, subject: `${workspaceId}:${ip}` }], "token", paste);
}

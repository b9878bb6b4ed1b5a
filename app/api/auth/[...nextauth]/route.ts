// GET|POST /api/auth/* – next-auth: sign-in, callbacks, session, sign-out
import NextAuth from "next-auth";
import { refuseSignInOverLimit } from "@/lib/auth/limited-attempts";
import { authOptions } from "@/lib/auth/options";

type Route = { params: Promise<{ nextauth: string[] }> };

const handler = (req: Request, ctx: Route) => NextAuth(authOptions())(req, ctx);

/** A password sign-in over its limit gets 429 and Retry-After here, before any password is hashed. */
async function post(req: Request, ctx: Route) {
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") === "callback/credentials") {
    const refused = await refuseSignInOverLimit(req);
    if (refused) return refused;
  }
  return handler(req, ctx);
}

export { handler as GET, post as POST };

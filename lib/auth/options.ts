import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getDb } from "@/db/client";
import { bumpSessionVersion, getUserById } from "@/db/queries/users";
import { DispatchError, toDispatchError } from "@/lib/errors";
import { env } from "@/lib/env";
import { describeError } from "@/lib/log/describe-error";
import { clientIp } from "@/lib/rate-limit/client-ip";
import { findOrCreateOAuthUser } from "@/lib/users/service";
import { sameOriginPath } from "./callback-url";
import { signInWithPassword } from "./limited-attempts";
import { authSecret } from "./secret";
import { signInRefusalCode } from "./sign-in-error";
import { isCurrentSession, tokenSessionVersion } from "./session-version";
import { logFor } from "@/lib/observability/log";

/** Thrown by the jwt callback for a token whose sessions were ended: next-auth then clears the cookie. */
class SessionEndedError extends Error {
  constructor() {
    super("This session was ended (signed out or removed).");
    this.name = "SessionEndedError";
  }
}

type OidcProfile = { sub: string; email?: string; name?: string; preferred_username?: string; picture?: string };

function oauthProviders(): NextAuthOptions["providers"] {
  const e = env();
  const providers: NextAuthOptions["providers"] = [];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  }
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    const oidc: OAuthConfig<OidcProfile> = {
      id: "oidc",
      name: e.OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      profile: (p) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.preferred_username ?? null, image: p.picture ?? null }),
    };
    providers.push(oidc);
  }
  return providers;
}

/** Which single sign-on buttons the sign-in page shows. */
export function oauthProviderButtons(): { id: string; name: string }[] {
  return oauthProviders().map((p) => ({ id: p.id, name: p.name }));
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          try {
            const user = await signInWithPassword(getDb(), { email: credentials.email, password: credentials.password, ip: clientIp(req?.headers ?? {}) });
            return user ? { id: user.id, email: user.email, name: user.name, image: user.image } : null;
          } catch (err) {
            // next-auth sends a thrown message to the browser as `error`: a code, never a database message.
            const e = toDispatchError(err);
            throw new Error(e.type === "rate_limit" ? signInRefusalCode(e.retryAfterSeconds ?? 60) : e.code);
          }
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      // Where next-auth sends the browser after sign-in or sign-out: this site only, by the same rule as the pages.
      redirect({ url, baseUrl }) {
        const path = sameOriginPath(url, baseUrl);
        return path ? new URL(path, baseUrl).toString() : baseUrl;
      },
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        if (!user.email) return "/signin?error=OAuthNoEmail";
        try {
          const local = await findOrCreateOAuthUser(getDb(), {
            provider: account.provider,
            subject: account.providerAccountId,
            email: user.email,
            name: user.name ?? user.email,
            image: user.image,
          });
          // next-auth hands this same object to the jwt callback: carry our own id over.
          user.id = local.id;
          return true;
        } catch (err) {
          if (err instanceof DispatchError && err.code === "conflict:email") return "/signin?error=OAuthAccountNotLinked";
          throw err;
        }
      },
      // At sign-in the token records the user's session version; afterwards (next-auth's session
      // endpoint) a token of an earlier version is refused, which makes next-auth clear the cookie.
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (await getUserById(getDb(), user.id))?.sessionVersion ?? 0;
          return token;
        }
        if (typeof token.uid !== "string" || !isCurrentSession(await getUserById(getDb(), token.uid), token)) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
    events: {
      // Sign-out ends the user's sessions on the server too: the JWT alone would stay valid for 30 days.
      async signOut({ token }) {
        if (typeof token?.uid === "string") await bumpSessionVersion(getDb(), token.uid, tokenSessionVersion(token));
      },
    },
    logger: {
      // next-auth's own logger prints whole error objects; a database error there would quote its parameters.
      error(code, metadata) {
        const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
        if (err instanceof SessionEndedError) return; // expected: an ended session asking for its session
        logFor("next-auth").error(`${code}: ${describeError(err ?? metadata)}`);
      },
    },
  };
}

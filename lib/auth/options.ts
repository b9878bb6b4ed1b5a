import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getDb } from "@/db/client";
import { DispatchError } from "@/lib/errors";
import { env } from "@/lib/env";
import { authenticate, findOrCreateOAuthUser } from "@/lib/users/service";
import { sameOriginPath } from "./callback-url";
import { authSecret } from "./secret";

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
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const user = await authenticate(getDb(), credentials.email, credentials.password);
          return user ? { id: user.id, email: user.email, name: user.name, image: user.image } : null;
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
      jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}

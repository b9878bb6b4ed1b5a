import type { User } from "@/db/schema";

/**
 * The session version a JWT was issued at. Tokens from before versions existed carry none and
 * count as 0, the column's default: they stay valid until the user's first sign-out.
 */
export function tokenSessionVersion(token: { sv?: unknown } | null | undefined): number {
  return typeof token?.sv === "number" && Number.isInteger(token.sv) ? token.sv : 0;
}

/** A token is current while its account exists and nobody has ended its sessions since it was issued. */
export function isCurrentSession(user: Pick<User, "sessionVersion"> | undefined, token: { sv?: unknown }): boolean {
  return !!user && user.sessionVersion === tokenSessionVersion(token);
}

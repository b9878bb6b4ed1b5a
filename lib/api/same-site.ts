import { DispatchError } from "@/lib/errors";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const originOf = (url: string | undefined): string | null => {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
};

/**
 * The origins this site is reached at: the request's own as Next sees it, NEXTAUTH_URL's (behind a
 * proxy) and the Host the browser addressed (what Next compares for server actions), so a member
 * on another host name of the same server is not refused.
 */
function siteOrigins(req: Request): Set<string> {
  const own = new URL(req.url);
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host");
  return new Set([own.origin, originOf(process.env.NEXTAUTH_URL?.trim()), host ? originOf(`${own.protocol}//${host}`) : null].filter((o): o is string => !!o));
}

const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

/**
 * Refuses a state-changing request that a browser says came from elsewhere — another site, or
 * another port of this host (same-site, so SameSite cookies do not stop it). Requests without
 * Origin and Sec-Fetch-Site (curl, API clients) pass: no browser sent them with a victim's cookie.
 */
export function assertSameSite(req: Request): void {
  if (!STATE_CHANGING.has(req.method.toUpperCase())) return;
  const origin = req.headers.get("origin");
  if (origin !== null && !siteOrigins(req).has(originOf(origin) ?? "")) {
    throw new DispatchError("forbidden:origin", `This request came from another origin (Origin: ${shown(origin)}); changes are accepted only from Dispatch's own pages or from API clients.`);
  }
  const site = req.headers.get("sec-fetch-site");
  // `none`: the user did it themselves (typed the address, a bookmark).
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new DispatchError("forbidden:origin", `This request came from another site (Sec-Fetch-Site: ${shown(site)}); changes are accepted only from Dispatch's own pages or from API clients.`);
  }
}

// Stands in for the site's origin when the caller does not know it: only relative values can match it.
const PLACEHOLDER_ORIGIN = "http://dispatch.invalid";
const MAX_LENGTH = 2048;

/**
 * The path, query and fragment of `raw` when it resolves to `origin`; null for anything else.
 * Resolving with the URL parser (as a browser would) is the point: browsers drop tabs and
 * newlines and read `\` as `/`, so `/\t/evil.example` is `//evil.example`, another host.
 */
export function sameOriginPath(raw: unknown, origin: string = PLACEHOLDER_ORIGIN): string | null {
  // A real link never holds raw control characters; browsers would silently drop some of them.
  if (typeof raw !== "string" || raw === "" || raw.length > MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(raw)) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.username || url.password) return null;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as a host.
  const path = url.pathname.replace(/^\/+/, "/");
  // The parser leaves a backslash in a query or fragment as it is; encoded, no reader takes it for a slash.
  return `${path}${url.search}${url.hash}`.replaceAll("\\", "%5C");
}

/** Where to go after sign-in: a same-site path, or home. An open redirect there is a phishing aid. */
export function safeCallbackUrl(raw: unknown, origin?: string): string {
  return sameOriginPath(raw, origin) ?? "/";
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** What every client shares when no address can be trusted (see DISPATCH_TRUST_PROXY in the README). */
export const UNKNOWN_ADDRESS = "unknown";

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/**
 * The client's address for per-address limits. Next.js fills `x-forwarded-for` only when the
 * client did not send one, so without a proxy the header is whatever the client chose: it is read
 * only when DISPATCH_TRUST_PROXY=N says N proxies of ours append to it, and then the N-th address
 * from the right (the one our outermost proxy saw) is taken; addresses further left are the client's word.
 */
export function clientIp(headers: HeaderBag, trustProxy: string | undefined = process.env.DISPATCH_TRUST_PROXY): string {
  const hops = Number(trustProxy ?? 0);
  if (!Number.isInteger(hops) || hops < 1) return UNKNOWN_ADDRESS;
  const chain = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const address = chain[chain.length - hops];
  // Only the shape of an address: the value becomes part of a counter's key.
  return address && /^[0-9A-Fa-f:.]{2,45}$/.test(address) ? address.toLowerCase() : UNKNOWN_ADDRESS;
}

import { encode } from "next-auth/jwt";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type Who = string | null;

/** A real next-auth session cookie for the user, signed with this process's NEXTAUTH_SECRET. */
export async function cookieFor(userId: string) {
  const token = await encode({ token: { uid: userId, sub: userId }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

/** Calls a route handler with a real Request and a real next-auth session cookie (or none); `headers` add to or replace the JSON content type. */
export async function call(
  handler: unknown,
  who: Who,
  params: Record<string, string>,
  init: { method?: string; body?: unknown; query?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (who) headers.cookie = who;
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const req = new Request(`http://localhost/api/x${init.query ?? ""}`, { method: init.method ?? "GET", headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(params) });
  return { status: res.status, headers: res.headers, body: res.status === 204 ? null : ((await res.json()) as Record<string, any>) }; // eslint-disable-line @typescript-eslint/no-explicit-any
}


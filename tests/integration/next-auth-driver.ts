import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { type NextAuthOptions } from "next-auth";

type Reply = { status: number; json: Record<string, unknown> | null; location: string | null };

/**
 * A browser's conversation with next-auth (CSRF token, credentials sign-in, session, sign-out)
 * through next-auth's own handler and our options, keeping its cookies. It uses next-auth's
 * API-route adapter: the App Router one reads next/headers, which only exists inside Next.
 */
export class NextAuthBrowser {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly options: NextAuthOptions,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The Cookie header an API request from this browser carries. */
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get hasSession(): boolean {
    return this.jar.has("next-auth.session-token");
  }

  async request(method: "GET" | "POST", action: string[], body?: Record<string, string>): Promise<Reply> {
    const res = new RecordedResponse();
    const req = { method, query: { nextauth: action }, body, cookies: Object.fromEntries(this.jar), headers: { host: "localhost:3000", ...this.headers } };
    await NextAuth(req as unknown as NextApiRequest, res as unknown as NextApiResponse, this.options);
    for (const line of res.setCookies) {
      const [pair = ""] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, decodeURIComponent(value));
    }
    return { status: res.statusCode, json: res.body, location: res.headers.get("location") ?? null };
  }

  private async csrfToken(): Promise<string> {
    return String((await this.request("GET", ["csrf"])).json!.csrfToken);
  }

  async signIn(email: string, password: string): Promise<Reply> {
    return this.request("POST", ["callback", "credentials"], { email, password, csrfToken: await this.csrfToken(), json: "true" });
  }

  async signOut(): Promise<Reply> {
    return this.request("POST", ["signout"], { csrfToken: await this.csrfToken(), json: "true" });
  }
}

/** Just enough of a Node response for next-auth's API-route adapter. */
class RecordedResponse {
  statusCode = 200;
  body: Record<string, unknown> | null = null;
  readonly headers = new Map<string, string>();
  setCookies: string[] = [];

  status(code: number) {
    this.statusCode = code;
    return this;
  }
  getHeader(name: string) {
    return name.toLowerCase() === "set-cookie" ? this.setCookies : this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: string | string[]) {
    if (name.toLowerCase() === "set-cookie") this.setCookies = Array.isArray(value) ? value : [value];
    else this.headers.set(name.toLowerCase(), String(value));
    return this;
  }
  json(body: Record<string, unknown>) {
    this.body = body;
    return this;
  }
  send(body: unknown) {
    this.body = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : null;
    return this;
  }
  end() {
    return this;
  }
}

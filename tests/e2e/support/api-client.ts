import { randomBytes } from "node:crypto";

// JSON bodies are whatever the server sent; tests read them like plain objects and assert on them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type ApiResponse = { status: number; body: Json; headers: Headers };

export const SESSION_COOKIE = "next-auth.session-token";

/** An address nobody else in this run has, e.g. `alice-3f9a1c0b@example.test`. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(4).toString("hex")}@example.test`;
}

/** A tiny cookie jar (name → value, one origin) over fetch; never follows redirects. */
export class ApiClient {
  private readonly jar = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  get cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = "", v = ""] = a.split("=").map((s) => s.trim());
        return (k.toLowerCase() === "max-age" && Number(v) <= 0) || (k.toLowerCase() === "expires" && Date.parse(v) <= Date.now());
      });
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** One request. `json` is sent as JSON; `raw` is sent verbatim with `contentType` (default application/json). */
  async request(method: string, path: string, init: { json?: unknown; raw?: string; contentType?: string } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.jar.size) headers.cookie = this.cookieHeader;
    let body: string | undefined;
    if (init.raw !== undefined) {
      body = init.raw;
      headers["content-type"] = init.contentType ?? "application/json";
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: "manual" });
    this.keepCookies(res);
    const text = await res.text();
    let parsed: Json = text === "" ? null : text;
    if (text !== "" && (res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string) {
    return this.request("GET", path);
  }
  post(path: string, json?: unknown) {
    return this.request("POST", path, { json });
  }
  patch(path: string, json?: unknown) {
    return this.request("PATCH", path, { json });
  }
  delete(path: string) {
    return this.request("DELETE", path);
  }

  /**
   * next-auth's real credentials flow: GET /api/auth/csrf (token + csrf cookie), then a form POST to
   * /api/auth/callback/credentials. Returns whether a session cookie was issued.
   */
  async signIn(creds: { email: string; password: string }): Promise<{ ok: boolean; status: number; url: string | undefined }> {
    const csrf = await this.get("/api/auth/csrf");
    if (csrf.status !== 200 || typeof csrf.body?.csrfToken !== "string") {
      throw new Error(`GET /api/auth/csrf answered ${csrf.status}: ${JSON.stringify(csrf.body)}`);
    }
    const form = new URLSearchParams({ csrfToken: csrf.body.csrfToken, email: creds.email, password: creds.password, json: "true" });
    const res = await this.request("POST", "/api/auth/callback/credentials", {
      raw: form.toString(),
      contentType: "application/x-www-form-urlencoded",
    });
    const url = typeof res.body?.url === "string" ? res.body.url : (res.headers.get("location") ?? undefined);
    return { ok: this.jar.has(SESSION_COOKIE), status: res.status, url };
  }
}

export type NewUser = { name: string; email: string; password: string };

/** POST /api/signup with a fresh (cookie-less) request. */
export async function signUp(baseUrl: string, user: NewUser): Promise<ApiResponse> {
  return new ApiClient(baseUrl).post("/api/signup", user);
}

/** A client holding a real session cookie for the user; throws when sign-in does not yield one. */
export async function signIn(baseUrl: string, creds: { email: string; password: string }): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const result = await client.signIn(creds);
  if (!result.ok) throw new Error(`sign-in as ${creds.email} gave no session cookie (status ${result.status}, url ${result.url})`);
  return client;
}

/** Sign up (expects 201) and sign in; the client plus the new user's id. */
export async function signUpAndIn(baseUrl: string, user: NewUser): Promise<{ client: ApiClient; id: string; user: NewUser }> {
  const res = await signUp(baseUrl, user);
  if (res.status !== 201) throw new Error(`sign-up of ${user.email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { client: await signIn(baseUrl, user), id: res.body.user.id as string, user };
}

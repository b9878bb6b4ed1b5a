import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.DISPATCH_TRUST_PROXY = "1";
delete process.env.REDIS_URL;

// Server actions read the request through next/headers, which exists only inside Next: this test plays the request.
const request = vi.hoisted(() => ({ headers: new Headers(), cookies: [] as { name: string; value: string }[] }));
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => ({ getAll: () => request.cookies }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

import { deleteKeysMatching } from "@/bench/support/redis-keys";
import { getDb, getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { connectWithTokenAction } from "@/app/actions/connections";
import { signUpAction } from "@/app/actions/sign-up";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import * as signupRoute from "@/app/api/signup/route";
import * as agentTokenRoute from "@/app/api/workspaces/[slug]/agent/config/token/[provider]/route";
import * as gitTokenRoute from "@/app/api/workspaces/[slug]/git/token/route";
import { authOptions } from "@/lib/auth/options";
import { signInErrorMessage } from "@/lib/auth/sign-in-error";
import { MemoryCounterStore } from "@/lib/rate-limit/counter-store";
import { FailureLimiter, setRateLimiter } from "@/lib/rate-limit/failure-limiter";
import { RedisCounterStore } from "@/lib/rate-limit/redis-counter-store";
import { makeUser, makeWorkspace } from "./helpers";
import { NextAuthBrowser } from "./next-auth-driver";
import { call, cookieFor } from "./route-client";

const tag = randomBytes(4).toString("hex");
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// This run's own keys on the shared Redis, under the production prefix, deleted at the end.
const runPrefix = `dispatch:rl:test-${tag}:`;
const password = "correct horse battery";
let lastOctet = 0;
const freshAddress = () => `198.51.${Number.parseInt(tag.slice(0, 2), 16)}.${++lastOctet}`;

type Counters = { limiter: FailureLimiter; endWindow: () => Promise<void>; ttls: () => Promise<number[]> };

const redis = new Redis(redisUrl, { lazyConnect: true });
redis.on("error", () => undefined); // a failing command says enough; the event would be an unhandled-error warning

const backends: [string, () => Counters][] = [
  [
    "memory (embedded default)",
    () => {
      let now = Date.now();
      return {
        limiter: new FailureLimiter(new MemoryCounterStore(() => now)),
        endWindow: async () => void (now += 15 * 60_000),
        ttls: async () => [],
      };
    },
  ],
  [
    "Redis",
    () => {
      const keys = async () => {
        const found: string[] = [];
        for (let cursor = "0"; ; ) {
          const [next, batch] = await redis.scan(cursor, "MATCH", `${runPrefix}*`, "COUNT", 1000);
          found.push(...batch);
          if ((cursor = next) === "0") return found;
        }
      };
      return {
        limiter: new FailureLimiter(new RedisCounterStore(redisUrl), runPrefix),
        // Redis ends a window by expiring its key: make it expire now.
        endWindow: async () => {
          for (const k of await keys()) await redis.pexpire(k, 1);
          await new Promise((r) => setTimeout(r, 20));
        },
        ttls: async () => Promise.all((await keys()).map((k) => redis.pttl(k))),
      };
    },
  ],
];

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
});
afterAll(async () => {
  await deleteKeysMatching(redis, `${runPrefix}*`);
  redis.disconnect();
  await getDbHandle().close();
});

const browserAt = (address: string) => new NextAuthBrowser(authOptions(), { "x-forwarded-for": address });

/** A credentials sign-in POST as the sign-in form sends it, to the App Router route. */
async function postCredentials(address: string, email: string, pw: string) {
  const req = new Request("http://localhost:3000/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
    body: new URLSearchParams({ email, password: pw, csrfToken: "irrelevant-when-refused", json: "true" }),
  });
  return nextAuthRoute.POST(req, { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) });
}

const errorOf = (reply: { json: Record<string, unknown> | null }) => new URL(String(reply.json!.url)).searchParams.get("error");

describe.each(backends)("failure limits with counters in %s", (_name, make) => {
  let counters: Counters;
  beforeEach(() => {
    counters = make();
    setRateLimiter(counters.limiter);
  });
  afterEach(async () => {
    setRateLimiter(undefined);
    await counters.limiter.close();
  });

  it("sign-in: after ten wrong passwords even the right one is refused, 429 with Retry-After, the form saying how long", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const address = freshAddress();
    const browser = browserAt(address);
    for (let i = 0; i < 10; i++) expect(errorOf(await browser.signIn(ada.email, `wrong ${i}`))).toBe("CredentialsSignin");

    const refused = await browser.signIn(ada.email, password);
    expect(browser.hasSession).toBe(false);
    expect(signInErrorMessage(errorOf(refused))).toBe("Too many attempts, try again in 15 minutes.");

    const res = await postCredentials(address, ada.email, password);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const body = (await res.json()) as { url: string; error: { code: string } };
    expect(body.error.code).toBe("rate_limit:signin");
    expect(signInErrorMessage(new URL(body.url).searchParams.get("error"))).toBe("Too many attempts, try again in 15 minutes.");

    for (const ttl of await counters.ttls()) expect(ttl).toBeGreaterThan(0);
  });

  it("sign-in: the right password works again once the window has passed", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const browser = browserAt(freshAddress());
    for (let i = 0; i < 10; i++) await browser.signIn(ada.email, "wrong password");
    expect((await browser.signIn(ada.email, password)).json!.url).toMatch(/error=rate_limit/);
    await counters.endWindow();
    await browser.signIn(ada.email, password);
    expect(browser.hasSession).toBe(true);
  });

  it("sign-in: the account is limited from any address, and an address across accounts", async () => {
    const ada = await makeUser(getDb(), "Ada");
    for (let i = 0; i < 10; i++) await browserAt(freshAddress()).signIn(ada.email, "wrong password");
    expect((await postCredentials(freshAddress(), ada.email, password)).status).toBe(429);

    const sprayer = freshAddress();
    for (let i = 0; i < 10; i++) await browserAt(sprayer).signIn(`nobody-${tag}-${i}@example.test`, "wrong password");
    const grace = await makeUser(getDb(), "Grace");
    expect((await postCredentials(sprayer, grace.email, password)).status).toBe(429);
    const elsewhere = browserAt(freshAddress());
    await elsewhere.signIn(grace.email, password);
    expect(elsewhere.hasSession).toBe(true);
  });

  it("sign-in: success clears the account's count but not the address's", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const address = freshAddress();
    const browser = browserAt(address);
    for (let i = 0; i < 9; i++) await browser.signIn(ada.email, "wrong password");
    await browser.signIn(ada.email, password);
    expect(browser.hasSession).toBe(true);
    await browser.signIn(ada.email, "wrong password"); // the address's tenth failure, the account's first
    expect((await postCredentials(address, ada.email, password)).status).toBe(429);
    const elsewhere = browserAt(freshAddress());
    await elsewhere.signIn(ada.email, password);
    expect(elsewhere.hasSession).toBe(true);
  });

  it("sign-up: ten refused sign-ups from one address and the next is refused, by the API and by the form's action", async () => {
    const taken = await makeUser(getDb(), "Ada");
    const address = freshAddress();
    const headers = { "x-forwarded-for": address };
    for (let i = 0; i < 10; i++) {
      const res = await call(signupRoute.POST, null, {}, { method: "POST", body: { name: "Probe", email: taken.email, password }, headers });
      expect(res.status).toBe(409);
    }
    const fresh = { name: "New", email: `new-${tag}-${randomBytes(3).toString("hex")}@example.test`, password };
    const refused = await call(signupRoute.POST, null, {}, { method: "POST", body: fresh, headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(refused.body!.error).toMatchObject({ code: "rate_limit:signup", message: "Too many attempts, try again in 15 minutes." });

    request.headers = new Headers(headers);
    expect(await signUpAction(fresh)).toMatchObject({ ok: false, error: { code: "rate_limit:signup" } });
    request.headers = new Headers({ "x-forwarded-for": freshAddress() });
    expect(await signUpAction(fresh)).toMatchObject({ ok: true });
  });

  it("pasted tokens: ten rejected tokens for a workspace from one address and the next paste is refused, provider and GitHub alike", async () => {
    const { ws, admin } = await makeWorkspace(getDb());
    const cookie = await cookieFor(admin.id);
    const address = freshAddress();
    const headers = { "x-forwarded-for": address };
    const pasteClaude = (token: string, h = headers) => call(agentTokenRoute.PUT, cookie, { slug: ws.slug, provider: "claude" }, { method: "PUT", body: { token }, headers: h });
    const pasteGitHub = (token: string, h = headers) => call(gitTokenRoute.PUT, cookie, { slug: ws.slug }, { method: "PUT", body: { token }, headers: h });

    for (let i = 0; i < 5; i++) expect((await pasteClaude(`guess-${i}`)).status).toBe(400);
    for (let i = 0; i < 5; i++) expect((await pasteGitHub(`ghp_${"a".repeat(36)}`)).status).toBe(400);
    for (const refused of [await pasteClaude("guess-11"), await pasteGitHub("guess-11")]) {
      expect(refused.status).toBe(429);
      expect(refused.body!.error.code).toBe("rate_limit:token");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    }

    // The settings page's actions count the same.
    request.headers = new Headers(headers);
    request.cookies = [{ name: "next-auth.session-token", value: cookie.split("=")[1]! }];
    expect(await connectWithTokenAction(ws.slug, "claude", { token: "guess-12" })).toMatchObject({ ok: false, error: { code: "rate_limit:token" } });
    expect(await connectWithTokenAction(ws.slug, "github", { token: "guess-12" })).toMatchObject({ ok: false, error: { code: "rate_limit:token" } });

    // Another address is still told what is wrong with its token.
    expect((await pasteClaude("guess-13", { "x-forwarded-for": freshAddress() })).status).toBe(400);
  });
});

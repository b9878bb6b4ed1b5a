import "../support/next-async-storage";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;
delete process.env.NEXTAUTH_URL;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { agentSessions } from "@/db/schema";
import { getLiveHub } from "@/lib/bus/live-hub";
import { createSkill } from "@/lib/agents/skills";
import { addComment } from "@/lib/comments/service";
import { notifySessionEnded } from "@/lib/inbox/notify";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { runAsServerAction } from "../support/action-context";
import { bodyNear, deepJsonText, hostileQuery, hostileString, hostileValue } from "../support/hostile";
import { makeWorkspace } from "./helpers";
import { cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";
import { createLabel } from "@/lib/issues/labels";

// Every route handler under app/api and every server action under app/actions, called with
// hostile strings and shapes in bodies, query parameters, path parameters and headers: no 5xx,
// and every 4xx says {error:{code,message}}. Seeded: a failure replays with FUZZ_SEED=<seed>.

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const root = path.resolve(import.meta.dirname, "../..");

type Fixture = { slug: string; admin: string; member: string; memberId: string; projectId: string; issueId: string; sessionId: string; skillId: string; commentId: string; inboxItemId: string; labelId: string };
let fx: Fixture;

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const f = await makeWorkspace(db, ["member"]);
  // No repository: agents could not start without a GitHub connection.
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Fuzz" });
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 100 } });
  await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
  const memberCtx = f.members[0]!.ctx;
  const posted = await addComment(db, memberCtx, issue, { text: "@claude look" }, { queue: new MemorySessionQueue() });
  fx = {
    slug: f.ws.slug,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(f.members[0]!.user.id),
    memberId: f.members[0]!.user.id,
    projectId: project.id,
    issueId: issue.id,
    sessionId: posted.sessions[0]!.id,
    skillId: (await createSkill(db, f.adminCtx, { name: "Review", trigger: "review" })).id,
    commentId: posted.comment.id,
    // An item in the member's inbox (the member started the session), for PATCH …/inbox/[id].
    inboxItemId: (await notifySessionEnded(db, (await db.select().from(agentSessions).where(eq(agentSessions.id, posted.sessions[0]!.id)))[0]!))[0]!.id,
    labelId: (await createLabel(db, f.adminCtx, { name: "bug", color: "#ef4444" })).id,
  };
});
afterAll(async () => {
  getLiveHub().close();
  await getDbHandle().close();
});

// ---- what a valid request looks like, so hostile parts get past the first check ----

const doc = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "hi", marks: [{ type: "link", attrs: { href: "https://a.test" } }] }] }] };
const bodies = (): Record<string, unknown> => ({
  "POST /api/signup": { name: "N", email: "n@example.test", password: "correct horse battery" },
  "POST /api/workspaces": { name: "W", slug: "fuzz-ws" },
  "POST /api/workspaces/[slug]/members": { email: "n@example.test", role: "member" },
  "PATCH /api/workspaces/[slug]/members/[userId]": { role: "member" },
  "POST /api/workspaces/[slug]/projects": { name: "P", identifier: "FZ", repository: "acme/fz", default_branch: "main" },
  "PUT /api/workspaces/[slug]/projects/[identifier]/repository": { repository: "acme/web", default_branch: "main" },
  "POST /api/workspaces/[slug]/projects/[identifier]/issues": { title: "T", description: "D", state: "todo" },
  "PATCH /api/workspaces/[slug]/issues/[key]": { title: "T", description: "D", state: "todo", priority: "high", labels: [fx.labelId], assignee: null },
  "POST /api/workspaces/[slug]/labels": { name: "L", color: "#3b82f6" },
  "PATCH /api/workspaces/[slug]/labels/[id]": { name: "bug", color: "#22c55e" },
  "POST /api/workspaces/[slug]/issues/[key]/comments": { body: doc, agents: [{ provider_slug: "claude", variant_slug: "opus", skill_trigger: "review" }] },
  "PATCH /api/workspaces/[slug]/comments/[id]": { body: doc },
  "POST /api/workspaces/[slug]/agent/skills": { name: "S", trigger: "fz", description: "", instructions: "", default_provider: "claude", mode: "autonomous", timeout_minutes: 5, project_id: fx.projectId, enabled: true },
  "PATCH /api/workspaces/[slug]/agent/skills/[id]": { name: "S", description: "d", timeout_minutes: 5, project_id: null },
  "PUT /api/workspaces/[slug]/agent/config": { providers: [{ provider_slug: "claude", enabled: true, max_concurrent_sessions: 3, timeout_minutes: 10, when_full: "queue", variants: [{ slug: "opus", enabled: true }] }] },
  "PUT /api/workspaces/[slug]/agent/config/token/[provider]": { token: "sk-ant-oat01-" + "a".repeat(60), expires_at: "2030-01-01T00:00:00Z" },
  "PUT /api/workspaces/[slug]/git/token": { token: "ghs_" + "a".repeat(36) },
  "PUT /api/workspaces/[slug]/connections/[kind]/token": { token: "sk-ant-oat01-" + "a".repeat(60), expires_at: "2030-01-01T00:00:00Z" },
  "PATCH /api/workspaces/[slug]/inbox/[id]": { read: true },
  "POST /api/workspaces/[slug]/agent/invoke": { project_id: fx.projectId, issue_id: fx.issueId, comment_text: "@claude hi", agents: [{ provider_slug: "claude" }] },
});
/** Query parameters each GET route reads, with a value that works. */
const queries = (): Record<string, Record<string, string>> => ({
  "/api/workspaces/[slug]/agent/board": { status: "active", provider: "claude", member: fx.memberId, project: "WEB" },
  "/api/workspaces/[slug]/agent/sessions": { issue_id: fx.issueId },
  "/api/workspaces/[slug]/agent/skills": { project_id: fx.projectId },
  "/api/workspaces/[slug]/projects/[identifier]/issues": { state: "todo,done", priority: "high", assignee: "me", label: "bug", q: "fuzz" },
  "/api/workspaces/[slug]/live": { issue: fx.issueId, session: `${fx.sessionId}@1`, agents: "1" },
  "/api/workspaces/[slug]/agent/sessions/[id]/stream": { last_event_id: "1" },
  "/api/workspaces/[slug]/agent/config/callback/[provider]": { code: "c", state: "s", error: "access_denied" },
  "/api/workspaces/[slug]/git/callback": { code: "c", state: "s", error: "access_denied" },
  "/api/workspaces/[slug]/connections/[kind]/callback": { code: "c", state: "s", error: "access_denied" },
});
const realParam = (route: string, name: string): string => {
  if (name === "slug") return fx.slug;
  if (name === "key") return "WEB-1";
  if (name === "identifier") return "WEB";
  if (name === "provider" || name === "kind") return "claude";
  if (route.includes("/inbox/")) return fx.inboxItemId;
  if (name === "userId") return fx.memberId;
  if (route.includes("/sessions/")) return fx.sessionId;
  if (route.includes("/skills/")) return fx.skillId;
  if (route.includes("/labels/")) return fx.labelId;
  return fx.commentId;
};

// ---- the routes, found on disk ----

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { path: string; method: (typeof METHODS)[number]; params: string[]; handler: Handler };

async function findRoutes(): Promise<Route[]> {
  const files = (fs.readdirSync(path.join(root, "app/api"), { recursive: true }) as string[]).filter((f) => f.endsWith("route.ts")).sort();
  const routes: Route[] = [];
  for (const file of files) {
    const routePath = `/api/${path.dirname(file)}`.replace(/\/\.$/, "");
    if (routePath.startsWith("/api/auth/")) continue; // next-auth's own handler: its sign-in flow is tested by the auth suites
    const mod = (await import(path.join(root, "app/api", file))) as Record<string, unknown>;
    const params = [...routePath.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
    for (const method of METHODS) if (typeof mod[method] === "function") routes.push({ path: routePath, method, params, handler: mod[method] as Handler });
  }
  // Deletions last: they remove fixtures the other routes reach for.
  return routes.sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
}

// ---- one hostile request ----

type Case = { who: "admin" | "member"; params: Record<string, string>; query: string; body: string | undefined; lastEventId: string | null };

function caseFor(route: Route): fc.Arbitrary<Case> {
  const param = (name: string) => fc.oneof({ weight: 3, arbitrary: fc.constant(realParam(route.path, name)) }, { weight: 1, arbitrary: hostileString });
  const params = route.params.length ? fc.tuple(...route.params.map(param)).map((vs) => Object.fromEntries(route.params.map((n, i) => [n, vs[i]!]))) : fc.constant({});
  const template = bodies()[`${route.method} ${route.path}`];
  const body: fc.Arbitrary<string | undefined> =
    route.method === "GET"
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 6, arbitrary: (template === undefined ? hostileValue : bodyNear(template)).map((v) => JSON.stringify(v) ?? "null") },
          { weight: 1, arbitrary: deepJsonText },
          { weight: 1, arbitrary: fc.constantFrom("", "{", "nul", '{"a":1}{', "\u0000") },
        );
  return fc.record({
    who: fc.constantFrom("admin" as const, "member" as const),
    params,
    query: route.method === "GET" ? hostileQuery(queries()[route.path] ?? {}) : fc.constant(""),
    body,
    lastEventId: route.path.endsWith("/stream") ? fc.option(hostileString, { nil: null }) : fc.constant(null),
  });
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

/** Routes that answered some case with success: the fuzz reaches past the first check, not only into 4xx. */
const succeeded = new Set<string>();

/** The problem with the answer to one case, or null. Streams are dropped once they answer. */
async function problemWith(route: Route, c: Case): Promise<string | null> {
  const headers = new Headers({ cookie: c.who === "admin" ? fx.admin : fx.member, "content-type": "application/json" });
  if (c.lastEventId !== null) {
    try {
      headers.set("last-event-id", c.lastEventId);
    } catch {
      // Not a value HTTP can carry (NUL, line breaks, non-Latin-1): no client can send it.
    }
  }
  const ac = new AbortController();
  const req = new Request(`http://localhost${route.path}${c.query}`, { method: route.method, headers, body: c.body, signal: ac.signal });
  const res = await route.handler(req, { params: Promise.resolve(c.params) });
  if (res.status < 400) succeeded.add(`${route.method} ${route.path}`);
  try {
    if (res.status >= 500) return `status ${res.status}: ${await res.text()}`;
    if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return res.status === 200 ? null : `event stream with status ${res.status}`;
    if (res.status < 400) return null;
    const text = await res.text();
    let body: { error?: { code?: unknown; message?: unknown } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return `status ${res.status} without a JSON body: ${short(text)}`;
    }
    const { code, message } = body.error ?? {};
    if (typeof code !== "string" || !/^[a-z_]+:[a-z0-9_]+$/.test(code) || typeof message !== "string" || !message) return `status ${res.status} with body ${short(body)}`;
    return null;
  } finally {
    ac.abort();
    await res.body?.cancel().catch(() => undefined);
  }
}

describe("fuzzing every route's input", () => {
  it("no 5xx and a well-formed error for every 4xx, on every route handler under app/api", async () => {
    const routes = await findRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    const logged: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      for (const [i, route] of routes.entries()) {
        for (const c of fc.sample(caseFor(route), { numRuns: RUNS, seed: SEED + i })) {
          const problem = await problemWith(route, c).catch((err: unknown) => `threw ${err instanceof Error ? err.stack : String(err)}`);
          if (problem) failures.push(`${route.method} ${route.path} as ${c.who} params=${short(c.params)} query=${short(c.query)} body=${short(c.body)} → ${problem}`);
        }
      }
    } finally {
      console.error = consoleError;
    }
    expect(failures.slice(0, 10), `${failures.length} failures (seed ${SEED}); logged: ${short(logged.slice(0, 3))}`).toEqual([]);
    // Most routes must also have answered some case with success: hostile parts reached past the first check.
    const never = routes.map((r) => `${r.method} ${r.path}`).filter((r) => !succeeded.has(r));
    expect(never.length, `never succeeded: ${never.join(", ")}`).toBeLessThan(routes.length / 5);
  }, 120_000);

  it("no server action throws or answers internal:server, whatever its arguments", async () => {
    const files = fs.readdirSync(path.join(root, "app/actions")).filter((f) => f.endsWith(".ts")).sort();
    const actions: [string, (...args: unknown[]) => Promise<unknown>][] = [];
    for (const file of files) {
      const mod = (await import(path.join(root, "app/actions", file))) as Record<string, unknown>;
      for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function") actions.push([name, fn as (...args: unknown[]) => Promise<unknown>]);
    }
    expect(actions.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const [i, [name, action]] of actions.entries()) {
      // Arguments by name, as the action declares them: a real value most of the time, else anything.
      const names = /\(([^)]*)\)/.exec(action.toString())![1]!.split(",").map((s) => s.trim().replace(/[=\s].*$/, "")).filter(Boolean);
      const real = (arg: string): unknown =>
        ({ slug: fx.slug, key: "WEB-1", identifier: "WEB", userId: fx.memberId, providerSlug: "claude", role: "member", id: /Session/.test(name) ? fx.sessionId : /Skill/.test(name) ? fx.skillId : fx.commentId })[arg];
      const arg = (n: string) => (real(n) === undefined ? fc.oneof(hostileValue, bodyNear({ name: "N", title: "T", body: doc, text: "t", token: "x", input: 1 })) : fc.oneof({ weight: 3, arbitrary: fc.constant(real(n)) }, { weight: 1, arbitrary: hostileValue }));
      const args = names.length ? fc.tuple(...names.map(arg)) : fc.constant([] as unknown[]);
      for (const a of fc.sample(args, { numRuns: Math.ceil(RUNS / 2), seed: SEED + 1000 + i })) {
        const who = a.length % 2 ? fx.admin : fx.member;
        const result = (await runAsServerAction(who, () => action(...a)).catch((err: unknown) => ({ threw: err instanceof Error ? err.message : String(err) }))) as {
          ok?: boolean;
          error?: { code?: string; message?: string };
          threw?: string;
        };
        const bad = result.threw !== undefined || (result.ok === false && (!result.error?.code || result.error.code.startsWith("internal:") || !result.error.message));
        if (bad) failures.push(`${name}(${short(a)}) → ${short(result)}`);
      }
    }
    expect(failures.slice(0, 10), `${failures.length} failures (seed ${SEED})`).toEqual([]);
  }, 120_000);
});

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.BULLMQ_PREFIX = `test-${randomBytes(4).toString("hex")}`;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { getSessionQueue, type BullSessionQueue } from "@/lib/queue/session-queue";
import * as configRoute from "@/app/api/workspaces/[slug]/agent/config/route";
import * as invokeRoute from "@/app/api/workspaces/[slug]/agent/invoke/route";
import * as providersRoute from "@/app/api/workspaces/[slug]/agent/providers/route";
import * as cancelRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/cancel/route";
import * as sessionRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/route";
import * as sessionsRoute from "@/app/api/workspaces/[slug]/agent/sessions/route";
import * as streamRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/stream/route";
import * as skillRoute from "@/app/api/workspaces/[slug]/agent/skills/[id]/route";
import * as skillsRoute from "@/app/api/workspaces/[slug]/agent/skills/route";
import * as commentsRoute from "@/app/api/workspaces/[slug]/issues/[key]/comments/route";
import { insertAgentComment } from "@/db/queries/comments";
import { docFromText } from "@/lib/comments/body";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";

let w: Awaited<ReturnType<typeof setupWorkspace>>;
let other: Awaited<ReturnType<typeof setupWorkspace>>;

async function setupWorkspace() {
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Tests fail" });
  const claude = (await loadCatalog(db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: {} });
  await connectForTest(db, { workspaceId: f.adminCtx.workspace.id, kind: claude.slug });
  return {
    slug: f.ws.slug,
    project,
    issue,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(f.members[0]!.user.id),
    guest: await cookieFor(f.members[1]!.user.id),
  };
}

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  w = await setupWorkspace();
  other = await setupWorkspace();
});

afterAll(async () => {
  await (getSessionQueue() as BullSessionQueue).destroy();
  await getCancelSignal().close();
  await getDbHandle().close();
});

const S = () => ({ slug: w.slug });

describe("every agent route", () => {
  it("answers 401 without a session and 404 to a non-member, with the same body as a missing workspace", async () => {
    const routes: [unknown, string, Record<string, string>][] = [
      [providersRoute.GET, "GET", {}],
      [configRoute.GET, "GET", {}],
      [configRoute.PUT, "PUT", {}],
      [skillsRoute.GET, "GET", {}],
      [skillsRoute.POST, "POST", {}],
      [skillRoute.GET, "GET", { id: "00000000-0000-4000-8000-000000000000" }],
      [skillRoute.PATCH, "PATCH", { id: "00000000-0000-4000-8000-000000000000" }],
      [skillRoute.DELETE, "DELETE", { id: "00000000-0000-4000-8000-000000000000" }],
      [invokeRoute.POST, "POST", {}],
      [sessionsRoute.GET, "GET", {}],
      [sessionRoute.GET, "GET", { id: "00000000-0000-4000-8000-000000000000" }],
      [cancelRoute.POST, "POST", { id: "00000000-0000-4000-8000-000000000000" }],
      [streamRoute.GET, "GET", { id: "00000000-0000-4000-8000-000000000000" }],
    ];
    for (const [handler, method, params] of routes) {
      const anon = await call(handler, null, { ...S(), ...params }, { method, body: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(anon.status, `${method} anonymous`).toBe(401);
      expect(anon.body?.error.code).toBe("unauthorized:session");
      const stranger = await call(handler, other.admin, { ...S(), ...params }, { method, body: method === "GET" || method === "DELETE" ? undefined : {} });
      const missing = await call(handler, other.admin, { slug: "no-such-workspace", ...params }, { method, body: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(stranger.status, `${method} non-member`).toBe(404);
      expect(stranger.body).toEqual(missing.body);
    }
  });
});

describe("GET providers", () => {
  it("lists providers with connection status for any member, guests included", async () => {
    const res = await call(providersRoute.GET, w.guest, S());
    expect(res.status).toBe(200);
    expect(res.body!.providers.map((p: { slug: string; connected: boolean }) => [p.slug, p.connected])).toEqual([
      ["claude", true],
      ["gemini", false],
    ]);
  });
});

describe("GET/PUT config", () => {
  it("admins read and change it; members get 403; bad values name the field", async () => {
    expect((await call(configRoute.GET, w.member, S())).status).toBe(403);
    const put = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "claude", max_concurrent_sessions: 2 }] } });
    expect(put.status).toBe(200);
    expect(put.body!.providers[0]).toMatchObject({ provider_slug: "claude", max_concurrent_sessions: 2, timeout_minutes: 15 });
    const bad = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "claude", timeout_minutes: 0 }] } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "bad_request:agent_config", field: "providers.0.timeout_minutes" } } });
    const notJson = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: "{not json" });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: "bad_request:json" } } });
    expect((await call(configRoute.PUT, w.member, S(), { method: "PUT", body: { providers: [] } })).status).toBe(403);
    const direct = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "gemini", direct_network: true }] } });
    expect(direct.body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "gemini")).toMatchObject({ direct_network: true });
    expect(direct.body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "claude")).toMatchObject({ direct_network: false });
    const notBool = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "gemini", direct_network: "yes" }] } });
    expect(notBool).toMatchObject({ status: 400, body: { error: { field: "providers.0.direct_network", message: "direct_network must be true or false." } } });
    // Names a token's expiry, never a token or its ciphertext.
    expect(JSON.stringify((await call(configRoute.GET, w.admin, S())).body)).not.toMatch(/ciphertext|access_token|refresh_token|"token"/i);
  });
});

describe("skills routes", () => {
  it("create, read, list by project, edit and delete, with 400, 403 and cross-workspace 404", async () => {
    const created = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Review", trigger: "review", project_id: w.project.id } });
    expect(created.status).toBe(201);
    const id = created.body!.skill.id as string;
    expect((await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "", trigger: "x" } })).body).toMatchObject({ error: { field: "name" } });
    expect((await call(skillsRoute.POST, w.member, S(), { method: "POST", body: { name: "x", trigger: "x" } })).status).toBe(403);

    const list = await call(skillsRoute.GET, w.guest, S(), { query: `?project_id=${w.project.id}` });
    expect(list.body!.skills.map((s: { trigger: string }) => s.trigger)).toEqual(["review"]);
    expect((await call(skillsRoute.GET, w.member, S(), { query: "?project_id=nope" })).body).toMatchObject({ error: { field: "project_id" } });

    expect((await call(skillRoute.GET, w.member, { ...S(), id })).body!.skill.name).toBe("Review");
    expect((await call(skillRoute.PATCH, w.member, { ...S(), id }, { method: "PATCH", body: { name: "x" } })).status).toBe(403);
    expect((await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { mode: "sometimes" } })).body).toMatchObject({ error: { field: "mode" } });
    expect((await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { enabled: false } })).body!.skill.enabled).toBe(false);

    // Another workspace's admin, using their own slug with this id: not found.
    for (const [h, method] of [[skillRoute.GET, "GET"], [skillRoute.PATCH, "PATCH"], [skillRoute.DELETE, "DELETE"]] as const) {
      const res = await call(h, other.admin, { slug: other.slug, id }, { method, body: method === "PATCH" ? { name: "x" } : undefined });
      expect(res, method).toMatchObject({ status: 404, body: { error: { code: "not_found:skill" } } });
    }
    expect((await call(skillRoute.DELETE, w.admin, { ...S(), id }, { method: "DELETE" })).status).toBe(204);
    expect((await call(skillRoute.GET, w.admin, { ...S(), id })).status).toBe(404);
  });
});

describe("skill option include_guest_comments", () => {
  it("is off unless an admin turns it on, and must be a boolean", async () => {
    const created = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Triage", trigger: "triage" } });
    expect(created.body!.skill).toMatchObject({ include_guest_comments: false });
    const id = created.body!.skill.id as string;
    const on = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { include_guest_comments: true } });
    expect(on.body!.skill).toMatchObject({ include_guest_comments: true, name: "Triage" });
    expect((await call(skillRoute.GET, w.guest, { ...S(), id })).body!.skill.include_guest_comments).toBe(true);
    const bad = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { include_guest_comments: "yes" } });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: "include_guest_comments", message: "include_guest_comments must be true or false." } } });
    const withIt = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Support", trigger: "support", include_guest_comments: true } });
    expect(withIt.body!.skill.include_guest_comments).toBe(true);
    expect((await call(skillRoute.PATCH, w.member, { ...S(), id }, { method: "PATCH", body: { include_guest_comments: false } })).status).toBe(403);
  });
});

describe("invoke and sessions routes", () => {
  it("invoke starts sessions; sessions are listed, read and cancelled; errors carry their status", async () => {
    const body = { project_id: w.project.id, issue_id: w.issue.id, comment_text: "@claude-opus please fix the login test" };
    const invoked = await call(invokeRoute.POST, w.member, S(), { method: "POST", body });
    expect(invoked.status).toBe(201);
    const session = invoked.body!.sessions[0];
    expect(session).toMatchObject({ status: "pending", model: "claude-opus-4-6", issue_id: w.issue.id });

    expect((await call(invokeRoute.POST, w.guest, S(), { method: "POST", body })).status).toBe(403);
    expect((await call(invokeRoute.POST, w.member, S(), { method: "POST", body: { ...body, issue_id: undefined } })).body).toMatchObject({
      error: { code: "bad_request:invoke", field: "issue_id" },
    });
    const unknown = await call(invokeRoute.POST, w.member, S(), { method: "POST", body: { ...body, comment_text: "@claude-ultra go" } });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: "bad_request:agent" } } });
    expect(unknown.body!.error.message).toContain('"ultra"');
    // The other workspace's issue through this workspace's path.
    expect((await call(invokeRoute.POST, w.member, S(), { method: "POST", body: { ...body, project_id: other.project.id, issue_id: other.issue.id } })).status).toBe(404);

    const list = await call(sessionsRoute.GET, w.guest, S(), { query: `?issue_id=${w.issue.id}` });
    expect(list.body!.sessions.map((s: { id: string }) => s.id)).toEqual([session.id]);
    expect((await call(sessionsRoute.GET, w.guest, S())).body).toMatchObject({ error: { field: "issue_id" } });

    const one = await call(sessionRoute.GET, w.guest, { ...S(), id: session.id });
    // Written as pending, then given its place in line (a slot, waiting for a worker).
    expect(one.body!.session).toMatchObject({ id: session.id, status: "queued", response: null, pull_request_url: null, cost_usd: null });
    expect((await call(sessionRoute.GET, other.admin, { slug: other.slug, id: session.id })).status).toBe(404);

    expect((await call(cancelRoute.POST, w.guest, { ...S(), id: session.id }, { method: "POST" })).status).toBe(403);
    expect((await call(cancelRoute.POST, other.admin, { slug: other.slug, id: session.id }, { method: "POST" })).status).toBe(404);
    const cancelled = await call(cancelRoute.POST, w.member, { ...S(), id: session.id }, { method: "POST" });
    expect(cancelled).toMatchObject({ status: 200, body: { session: { status: "cancelled" } } });
    const again = await call(cancelRoute.POST, w.member, { ...S(), id: session.id }, { method: "POST" });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "conflict:session_finished" } } });
  });

  it("set to refuse when full, answers 429 naming the limit once the provider is full", async () => {
    const put = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "claude", max_concurrent_sessions: 1, when_full: "refuse" }] } });
    expect(put.body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "claude")).toMatchObject({ when_full: "refuse" });
    const bad = await call(configRoute.PUT, w.admin, S(), { method: "PUT", body: { providers: [{ provider_slug: "claude", when_full: "later" }] } });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: "providers.0.when_full" } } });
    const body = { project_id: w.project.id, issue_id: w.issue.id, comment_text: "@claude go" };
    expect((await call(invokeRoute.POST, w.member, S(), { method: "POST", body })).status).toBe(201);
    const full = await call(invokeRoute.POST, w.member, S(), { method: "POST", body });
    expect(full).toMatchObject({ status: 429, body: { error: { code: "rate_limit:concurrency" } } });
    expect(full.body!.error.message).toContain("limit 1");
  });
});

describe("what never starts an agent", () => {
  let g: Awaited<ReturnType<typeof setupWorkspace>> & { key: string };
  beforeAll(async () => {
    const db = getDbHandle().db;
    g = { ...(await setupWorkspace()), key: "WEB-1" };
    const gemini = (await loadCatalog(db, g.project.workspaceId)).find((p) => p.slug === "gemini")!;
    await upsertAgentConfig(db, { workspaceId: g.project.workspaceId, providerId: gemini.id, patch: {} });
    await connectForTest(db, { workspaceId: g.project.workspaceId, kind: gemini.slug });
  });
  const G = () => ({ slug: g.slug });
  const sessionIds = async () => ((await call(sessionsRoute.GET, g.guest, G(), { query: `?issue_id=${g.issue.id}` })).body!.sessions as { id: string }[]).map((s) => s.id);
  const comment = async (body: Record<string, unknown>) => call(commentsRoute.POST, g.member, { ...G(), key: g.key }, { method: "POST", body });
  const invokeOn = (commentId: string, agents: unknown[] = []) =>
    call(invokeRoute.POST, g.member, G(), { method: "POST", body: { project_id: g.project.id, issue_id: g.issue.id, comment_id: commentId, agents } });

  const inCode: [string, Record<string, unknown>][] = [
    ["a fenced block typed as text", { text: "```\n@gemini run this\n```" }],
    ["a ~~~ block typed as text", { text: "Try:\n~~~\n@gemini run this\n~~~" }],
    ["four-space indented code typed as text", { text: "Look:\n\n    @gemini run this" }],
    ["inline code typed as text", { text: "run `@gemini` now" }],
    ["inline code in the editor", { body: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "run " }, { type: "text", text: "@gemini", marks: [{ type: "code" }] }] }] } }],
  ];

  it.each(inCode)("a mention inside %s: the comment is posted, no session, and invoke on it names no agent", async (_what, body) => {
    const before = await sessionIds();
    const posted = await comment(body);
    expect(posted.status).toBe(201);
    expect(posted.body!.sessions).toEqual([]);
    const invoked = await invokeOn(posted.body!.comment.id);
    expect(invoked).toMatchObject({ status: 400, body: { error: { code: "bad_request:agent", field: "agents" } } });
    expect(await sessionIds()).toEqual(before);
  });

  it("a mention in a blockquote does start the agent (the same harness can see one)", async () => {
    const posted = await comment({ text: "> @gemini look at this" });
    expect(posted.body!.sessions).toHaveLength(1);
    expect(await sessionIds()).toContain(posted.body!.sessions[0].id);
  });

  it("invoke on another member's comment is refused (403 naming comment_id) and starts nothing; its author may", async () => {
    const posted = await call(commentsRoute.POST, g.admin, { ...G(), key: g.key }, { method: "POST", body: { text: "please look at the cache" } });
    expect(posted.status).toBe(201);
    const before = await sessionIds();
    const refused = await invokeOn(posted.body!.comment.id, [{ provider_slug: "gemini" }]);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "forbidden:comment", field: "comment_id" } } });
    expect(refused.body!.error.message).toContain("Only the comment's author");
    expect(await sessionIds()).toEqual(before);
    const byAuthor = await call(invokeRoute.POST, g.admin, G(), { method: "POST", body: { project_id: g.project.id, issue_id: g.issue.id, comment_id: posted.body!.comment.id, agents: [{ provider_slug: "gemini" }] } });
    expect(byAuthor.status).toBe(201);
    expect(await sessionIds()).toContain(byAuthor.body!.sessions[0].id);
  });

  it("invoke refuses an agent's comment, even one that mentions agents, and writes nothing", async () => {
    const db = getDbHandle().db;
    const started = await comment({ text: "@claude what is wrong?" });
    const session = started.body!.sessions[0] as { id: string };
    const answer = "It was the cache. @claude please review, and @gemini too.";
    const agentComment = await insertAgentComment(db, { workspaceId: g.project.workspaceId, issueId: g.issue.id, sessionId: session.id, bodyJson: docFromText(answer), bodyHtml: `<p>${answer}</p>` });
    const before = await sessionIds();
    for (const agents of [[], [{ provider_slug: "claude" }]]) {
      const refused = await invokeOn(agentComment.id, agents);
      expect(refused).toMatchObject({ status: 400, body: { error: { code: "bad_request:comment", field: "comment_id" } } });
      expect(refused.body!.error.message).toContain("agents' comments never start agents");
    }
    expect(await sessionIds()).toEqual(before);
  });
});

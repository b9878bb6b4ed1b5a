import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;
delete process.env.NEXTAUTH_URL;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { listWorkspacesForUser } from "@/db/queries/workspaces";
import * as signupRoute from "@/app/api/signup/route";
import * as configRoute from "@/app/api/workspaces/[slug]/agent/config/route";
import * as agentCallbackRoute from "@/app/api/workspaces/[slug]/agent/config/callback/[provider]/route";
import * as tokenRoute from "@/app/api/workspaces/[slug]/agent/config/token/[provider]/route";
import * as invokeRoute from "@/app/api/workspaces/[slug]/agent/invoke/route";
import * as cancelRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/cancel/route";
import * as skillRoute from "@/app/api/workspaces/[slug]/agent/skills/[id]/route";
import * as skillsRoute from "@/app/api/workspaces/[slug]/agent/skills/route";
import * as commentRoute from "@/app/api/workspaces/[slug]/comments/[id]/route";
import * as gitCallbackRoute from "@/app/api/workspaces/[slug]/git/callback/route";
import * as gitConnectionRoute from "@/app/api/workspaces/[slug]/git/connection/route";
import * as gitTokenRoute from "@/app/api/workspaces/[slug]/git/token/route";
import * as issueCommentsRoute from "@/app/api/workspaces/[slug]/issues/[key]/comments/route";
import * as issueRoute from "@/app/api/workspaces/[slug]/issues/[key]/route";
import * as memberRoute from "@/app/api/workspaces/[slug]/members/[userId]/route";
import * as membersRoute from "@/app/api/workspaces/[slug]/members/route";
import * as projectIssuesRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/issues/route";
import * as repositoryRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/repository/route";
import * as projectsRoute from "@/app/api/workspaces/[slug]/projects/route";
import * as workspacesRoute from "@/app/api/workspaces/route";
import { createSkill } from "@/lib/agents/skills";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { makeWorkspace, uniq } from "./helpers";
import { call, cookieFor } from "./route-client";

let slug: string;
let admin: string;
let adminId: string;
let memberId: string;
let skillId: string;
let commentId: string;

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member"]);
  slug = f.ws.slug;
  adminId = f.admin.id;
  memberId = f.members[0]!.user.id;
  admin = await cookieFor(f.admin.id);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Forgery" });
  skillId = (await createSkill(db, f.adminCtx, { name: "Review", trigger: "review", instructions: "Review it." })).id;
  commentId = (await addComment(db, f.adminCtx, issue, { text: "mine" }, { queue: new MemorySessionQueue() })).comment.id;
});
afterAll(() => getDbHandle().close());
afterEach(() => void delete process.env.NEXTAUTH_URL);

const createWorkspace = (headers: Record<string, string>, body: unknown = { name: "Forged", slug: uniq("forged-") }) =>
  call(workspacesRoute.POST, admin, {}, { method: "POST", body, headers });
const workspaceSlugs = async () => (await listWorkspacesForUser(getDbHandle().db, adminId)).map((w) => w.slug);

/** Every route that reads a JSON body, with params that reach the body read. */
const bodyRoutes = (): [string, unknown, Record<string, string>, string][] => [
  ["POST /api/signup", signupRoute.POST, {}, "POST"],
  ["POST /api/workspaces", workspacesRoute.POST, {}, "POST"],
  ["POST members", membersRoute.POST, { slug }, "POST"],
  ["PATCH member", memberRoute.PATCH, { slug, userId: memberId }, "PATCH"],
  ["POST projects", projectsRoute.POST, { slug }, "POST"],
  ["PUT repository", repositoryRoute.PUT, { slug, identifier: "WEB" }, "PUT"],
  ["POST issues", projectIssuesRoute.POST, { slug, identifier: "WEB" }, "POST"],
  ["PATCH issue", issueRoute.PATCH, { slug, key: "WEB-1" }, "PATCH"],
  ["POST comments", issueCommentsRoute.POST, { slug, key: "WEB-1" }, "POST"],
  ["PATCH comment", commentRoute.PATCH, { slug, id: commentId }, "PATCH"],
  ["POST skills", skillsRoute.POST, { slug }, "POST"],
  ["PATCH skill", skillRoute.PATCH, { slug, id: skillId }, "PATCH"],
  ["PUT agent config", configRoute.PUT, { slug }, "PUT"],
  ["PUT provider token", tokenRoute.PUT, { slug, provider: "claude" }, "PUT"],
  ["PUT git token", gitTokenRoute.PUT, { slug }, "PUT"],
  ["POST invoke", invokeRoute.POST, { slug }, "POST"],
];

describe("JSON bodies must say they are JSON", () => {
  it("a text/plain body (what a cross-site form can send) is a 415 and creates nothing", async () => {
    const wanted = uniq("plain-");
    const res = await createWorkspace({ "content-type": "text/plain" }, JSON.stringify({ name: "Forged", slug: wanted }));
    expect(res).toMatchObject({ status: 415, body: { error: { code: "unsupported_media_type:json", message: expect.stringContaining("application/json") } } });
    expect(await workspaceSlugs()).not.toContain(wanted);
  });

  it("every route that reads a body refuses form, plain-text and missing content types", async () => {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""]) {
      for (const [name, handler, params, method] of bodyRoutes()) {
        const res = await call(handler, admin, params, { method, body: "{}", headers: { "content-type": type } });
        expect(res.status, `${name} with "${type}"`).toBe(415);
        expect(res.body!.error.code).toMatch(/^unsupported_media_type:/);
      }
    }
  });

  it("application/json with a charset is accepted, whatever its case", async () => {
    for (const type of ["application/json; charset=utf-8", "Application/JSON;Charset=UTF-8", "application/json"]) {
      expect((await createWorkspace({ "content-type": type })).status, type).toBe(201);
    }
  });

  it("a body over 1 MB is a 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ name: "x".repeat(1_100_000), slug: uniq("big-") });
    const sized = await createWorkspace({}, big);
    expect(sized).toMatchObject({ status: 413, body: { error: { code: "payload_too_large:json" } } });
    // Streamed without a length: the limit counts bytes as they come.
    const chunks = [new TextEncoder().encode(big)];
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
    const req = new Request("http://localhost/api/workspaces", { method: "POST", headers: { "content-type": "application/json", cookie: admin }, body: stream, duplex: "half" } as RequestInit);
    const res = await workspacesRoute.POST(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(413);
  });
});

describe("state-changing requests from another origin", () => {
  it("a form auto-submitted from another port of the same host is refused before anything is written", async () => {
    const wanted = uniq("evil-");
    const res = await createWorkspace({ origin: "http://localhost:4000", "sec-fetch-site": "same-site" }, { name: "Evil", slug: wanted });
    expect(res).toMatchObject({ status: 403, body: { error: { code: "forbidden:origin", message: expect.stringContaining("http://localhost:4000") } } });
    expect(await workspaceSlugs()).not.toContain(wanted);
  });

  it("names why: a foreign Origin, or a Sec-Fetch-Site other than same-origin", async () => {
    for (const headers of [{ origin: "http://localhost:4000" }, { origin: "https://localhost" }, { origin: "http://evil.test" }, { origin: "null" }]) {
      const res = await createWorkspace(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body!.error).toMatchObject({ code: "forbidden:origin", message: expect.stringContaining("Origin") });
    }
    for (const site of ["same-site", "cross-site"]) {
      const res = await createWorkspace({ "sec-fetch-site": site });
      expect(res.status, site).toBe(403);
      expect(res.body!.error).toMatchObject({ code: "forbidden:origin", message: expect.stringContaining(site) });
    }
  });

  it("covers every state-changing method, with or without a body", async () => {
    const foreign = { origin: "http://localhost:4000" };
    const noBody: [unknown, Record<string, string>, string][] = [
      [cancelRoute.POST, { slug, id: "00000000-0000-4000-8000-000000000000" }, "POST"],
      [skillRoute.DELETE, { slug, id: skillId }, "DELETE"],
      [commentRoute.DELETE, { slug, id: commentId }, "DELETE"],
      [memberRoute.DELETE, { slug, userId: memberId }, "DELETE"],
      [gitConnectionRoute.DELETE, { slug }, "DELETE"],
    ];
    for (const [handler, params, method] of noBody) expect((await call(handler, admin, params, { method, headers: foreign })).status, method).toBe(403);
    for (const [name, handler, params, method] of bodyRoutes()) {
      expect((await call(handler, admin, params, { method, body: "{}", headers: foreign })).status, name).toBe(403);
    }
    // Nothing was deleted meanwhile.
    expect((await call(skillRoute.GET, admin, { slug, id: skillId })).status).toBe(200);
    expect((await call(membersRoute.GET, admin, { slug })).body!.members).toHaveLength(2);
  });

  it("the app's own requests, user-initiated ones and API clients without these headers pass", async () => {
    expect((await createWorkspace({ origin: "http://localhost", "sec-fetch-site": "same-origin" })).status).toBe(201);
    expect((await createWorkspace({ "sec-fetch-site": "none" })).status).toBe(201);
    expect((await createWorkspace({})).status).toBe(201);
    // Behind a proxy the browser's origin is NEXTAUTH_URL's, not the one Next sees.
    // (http: an https NEXTAUTH_URL would make next-auth look for the __Secure- cookie.)
    process.env.NEXTAUTH_URL = "http://dispatch.example.test:8080/app";
    expect((await createWorkspace({ origin: "http://dispatch.example.test:8080", "sec-fetch-site": "same-origin" })).status).toBe(201);
  });

  it("reads stay open to any origin (the browser keeps their answers from other sites)", async () => {
    const res = await call(membersRoute.GET, admin, { slug }, { headers: { origin: "http://evil.test", "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(200);
  });

  it("the OAuth callbacks answer GET only", () => {
    const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    for (const mod of [agentCallbackRoute, gitCallbackRoute]) expect(Object.keys(mod).filter((k) => methods.includes(k))).toEqual(["GET"]);
  });
});

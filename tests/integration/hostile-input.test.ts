import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import * as signupRoute from "@/app/api/signup/route";
import * as connectionRoute from "@/app/api/workspaces/[slug]/agent/config/connection/[provider]/route";
import * as tokenRoute from "@/app/api/workspaces/[slug]/agent/config/token/[provider]/route";
import * as invokeRoute from "@/app/api/workspaces/[slug]/agent/invoke/route";
import * as sessionRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/route";
import * as sessionsRoute from "@/app/api/workspaces/[slug]/agent/sessions/route";
import * as skillRoute from "@/app/api/workspaces/[slug]/agent/skills/[id]/route";
import * as skillsRoute from "@/app/api/workspaces/[slug]/agent/skills/route";
import * as commentRoute from "@/app/api/workspaces/[slug]/comments/[id]/route";
import * as issueCommentsRoute from "@/app/api/workspaces/[slug]/issues/[key]/comments/route";
import * as issueRoute from "@/app/api/workspaces/[slug]/issues/[key]/route";
import * as memberRoute from "@/app/api/workspaces/[slug]/members/[userId]/route";
import * as projectIssuesRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/issues/route";
import * as repositoryRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/repository/route";
import * as projectRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/route";
import * as projectsRoute from "@/app/api/workspaces/[slug]/projects/route";
import * as workspaceRoute from "@/app/api/workspaces/[slug]/route";
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
let guest: string;
let ids: { project: string; issue: string; skill: string; comment: string; member: string };
let foreign: { project: string; issue: string };

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  slug = f.ws.slug;
  admin = await cookieFor(f.admin.id);
  guest = await cookieFor(f.members[1]!.user.id);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB", repository: "acme/web" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Hostile" });
  const skill = await createSkill(db, f.adminCtx, { name: "Review", trigger: "review" });
  const comment = (await addComment(db, f.adminCtx, issue, { text: "mine" }, { queue: new MemorySessionQueue() })).comment;
  ids = { project: project.id, issue: issue.id, skill: skill.id, comment: comment.id, member: f.members[0]!.user.id };
  const other = await makeWorkspace(db);
  const otherProject = await createProject(db, other.adminCtx, { name: "Other", identifier: "OTH" });
  foreign = { project: otherProject.id, issue: (await createIssue(db, other.adminCtx, otherProject, { title: "Theirs" })).id };
});
afterAll(() => getDbHandle().close());

const NUL = "a\u0000b";
const LONE = "a\ud800b";

/** Every stored string a member or admin can send, as [what, handler, params, method, body with `v` at the field, field]. */
const storedStrings = (): [string, unknown, Record<string, string>, string, (v: string) => unknown, string][] => [
  ["sign-up name", signupRoute.POST, {}, "POST", (v) => ({ name: v, email: `${uniq("n")}@example.test`, password: "correct horse battery" }), "name"],
  ["workspace name", workspacesRoute.POST, {}, "POST", (v) => ({ name: v, slug: uniq("ws-") }), "name"],
  ["project name", projectsRoute.POST, { slug }, "POST", (v) => ({ name: v, identifier: "NEW" }), "name"],
  ["issue title", projectIssuesRoute.POST, { slug, identifier: "WEB" }, "POST", (v) => ({ title: v }), "title"],
  ["issue description", projectIssuesRoute.POST, { slug, identifier: "WEB" }, "POST", (v) => ({ title: "t", description: v }), "description"],
  ["issue title edit", issueRoute.PATCH, { slug, key: "WEB-1" }, "PATCH", (v) => ({ title: v }), "title"],
  ["issue description edit", issueRoute.PATCH, { slug, key: "WEB-1" }, "PATCH", (v) => ({ description: v }), "description"],
  ["comment text", issueCommentsRoute.POST, { slug, key: "WEB-1" }, "POST", (v) => ({ text: v }), "text"],
  [
    "comment document",
    issueCommentsRoute.POST,
    { slug, key: "WEB-1" },
    "POST",
    (v) => ({ body: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: v }] }] } }),
    "body.content.0.content.0.text",
  ],
  ["comment edit", commentRoute.PATCH, { slug, id: "" }, "PATCH", (v) => ({ text: v }), "text"],
  ["skill name", skillsRoute.POST, { slug }, "POST", (v) => ({ name: v, trigger: "hostile" }), "name"],
  ["skill instructions", skillsRoute.POST, { slug }, "POST", (v) => ({ name: "x", trigger: "hostile", instructions: v }), "instructions"],
  ["skill description edit", skillRoute.PATCH, { slug, id: "" }, "PATCH", (v) => ({ description: v }), "description"],
  ["invoke comment text", invokeRoute.POST, { slug }, "POST", (v) => ({ project_id: ids.project, issue_id: ids.issue, comment_text: v }), "comment_text"],
];

const withIds = (params: Record<string, string>, what: string) =>
  params.id === "" ? { ...params, id: what.startsWith("comment") ? ids.comment : ids.skill } : params;

describe("hostile strings are a 400 naming the field, never a 500", () => {
  it("a NUL character in any stored string", async () => {
    for (const [what, handler, params, method, body, field] of storedStrings()) {
      const res = await call(handler, admin, withIds(params, what), { method, body: body(NUL) });
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body!.error, what).toMatchObject({ code: expect.stringMatching(/^bad_request:/), field, message: expect.stringContaining("NUL") });
    }
  });

  it("an unpaired surrogate in any stored string", async () => {
    for (const [what, handler, params, method, body, field] of storedStrings()) {
      const res = await call(handler, admin, withIds(params, what), { method, body: body(LONE) });
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body!.error, what).toMatchObject({ field, message: expect.stringContaining("unpaired surrogate") });
    }
  });

  it("a NUL in an object key is refused too", async () => {
    const body = { type: "doc", "x\u0000": 1, content: [{ type: "paragraph", content: [{ type: "text", text: "x" }] }] };
    const res = await call(issueCommentsRoute.POST, admin, { slug, key: "WEB-1" }, { method: "POST", body: { body } });
    expect(res).toMatchObject({ status: 400, body: { error: { field: "body.x\u0000" } } });
  });
});

describe("malformed path segments are a 404 like a missing thing", () => {
  it("a NUL, a lone surrogate or junk in the slug, key, identifier, provider or ids", async () => {
    const bad = ["\u0000", "a\u0000", "\ud800", "../x", "%00", "x".repeat(5000)];
    for (const v of bad) {
      const cases: [string, unknown, Record<string, string>, string?][] = [
        ["workspace", workspaceRoute.GET, { slug: v }],
        ["project", projectRoute.GET, { slug, identifier: v }],
        ["issue", issueRoute.GET, { slug, key: v }],
        ["issue key", issueRoute.GET, { slug, key: `WEB-${v}` }],
        ["comments", issueCommentsRoute.GET, { slug, key: v }],
        ["session", sessionRoute.GET, { slug, id: v }],
        ["skill", skillRoute.GET, { slug, id: v }],
        ["comment", commentRoute.DELETE, { slug, id: v }, "DELETE"],
        ["member", memberRoute.DELETE, { slug, userId: v }, "DELETE"],
        ["provider", connectionRoute.DELETE, { slug, provider: v }, "DELETE"],
        ["provider token", tokenRoute.PUT, { slug, provider: v }, "PUT"],
        ["repository", repositoryRoute.GET, { slug, identifier: v }],
      ];
      for (const [what, handler, params, method] of cases) {
        const res = await call(handler, admin, params, { method: method ?? "GET", body: method === "PUT" ? { token: "x" } : undefined });
        expect(res.status, `${what} ${JSON.stringify(v.slice(0, 10))}: ${JSON.stringify(res.body)}`).toBe(404);
        expect(res.body!.error.code).toMatch(/^not_found:/);
      }
    }
  });
});

describe("editor documents are checked against the schema before anything renders them", () => {
  const post = (body: unknown) => call(issueCommentsRoute.POST, admin, { slug, key: "WEB-1" }, { method: "POST", body: { body } });
  const doc = (...content: unknown[]) => ({ type: "doc", content });
  const linked = (attrs: unknown) => doc({ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs }] }] });

  it("a link whose href is not a string URL", async () => {
    for (const href of [42, { toString: 1 }, ["http://a.test"], null, "", "http://a.test/x y"]) {
      const res = await post(linked({ href }));
      expect(res.status, JSON.stringify(href)).toBe(400);
      expect(res.body!.error).toMatchObject({ code: "bad_request:comment", field: "body.content.0.content.0.marks.0.attrs.href" });
    }
    expect((await post(linked({ href: "https://example.test/a?b=1" }))).status).toBe(201);
  });

  it("other attributes of the wrong type, unknown node and mark types, malformed shapes", async () => {
    const bad = [
      doc({ type: "heading", attrs: { level: "2; x" }, content: [{ type: "text", text: "x" }] }),
      doc({ type: "codeBlock", attrs: { language: { a: 1 } }, content: [{ type: "text", text: "x" }] }),
      doc({ type: "orderedList", attrs: { start: "1" }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "x" }] }] }] }),
      doc({ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "https://a.test", target: 1 } }] }] }),
      doc({ type: "iframe", content: [] }),
      doc({ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "blink" }] }] }),
      doc({ type: "paragraph", content: { 0: { type: "text", text: "x" } } }),
      doc({ type: "paragraph", content: [{ type: "text", text: 42 }] }),
      doc({ type: "paragraph", content: [{ type: "text", text: "x", marks: "bold" }] }),
      doc("paragraph"),
    ];
    for (const d of bad) {
      const res = await post(d);
      expect(res.status, JSON.stringify(d)).toBe(400);
      expect(res.body!.error.code).toBe("bad_request:comment");
    }
  });

  it("thousands of nested blockquotes", async () => {
    // Written as text: JSON.stringify itself would overflow the stack on 10,000 levels.
    const n = 5000;
    const inner = '{"type":"paragraph","content":[{"type":"text","text":"deep"}]}';
    const raw = `{"body":{"type":"doc","content":[${'{"type":"blockquote","content":['.repeat(n)}${inner}${"]}".repeat(n)}]}}`;
    const res = await call(issueCommentsRoute.POST, admin, { slug, key: "WEB-1" }, { method: "POST", body: raw });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "bad_request:comment", message: expect.stringContaining("nested") } } });
  });
});

describe("list filters name something of this workspace, or 404", () => {
  it("sessions ?issue_id= of another workspace or malformed", async () => {
    expect((await call(sessionsRoute.GET, admin, { slug }, { query: `?issue_id=${ids.issue}` })).status).toBe(200);
    for (const v of [foreign.issue, "not-an-id", "%00", "00000000-0000-4000-8000-000000000000"]) {
      const res = await call(sessionsRoute.GET, admin, { slug }, { query: `?issue_id=${v}` });
      expect(res, v).toMatchObject({ status: 404, body: { error: { code: "not_found:issue", field: "issue_id" } } });
    }
    expect((await call(sessionsRoute.GET, admin, { slug }, { query: "" })).status).toBe(400);
  });

  it("skills ?project_id= of another workspace or malformed", async () => {
    expect((await call(skillsRoute.GET, admin, { slug }, { query: `?project_id=${ids.project}` })).status).toBe(200);
    for (const v of [foreign.project, "not-an-id", "%00"]) {
      const res = await call(skillsRoute.GET, admin, { slug }, { query: `?project_id=${v}` });
      expect(res, v).toMatchObject({ status: 404, body: { error: { code: "not_found:project", field: "project_id" } } });
    }
  });
});

describe("guests read everything", () => {
  it("including a project's repository check", async () => {
    const res = await call(repositoryRoute.GET, guest, { slug, identifier: "WEB" });
    expect(res).toMatchObject({ status: 200, body: { check: { repository: "acme/web" } } });
    expect((await call(repositoryRoute.PUT, guest, { slug, identifier: "WEB" }, { method: "PUT", body: { repository: "", default_branch: "main" } })).status).toBe(403);
  });
});

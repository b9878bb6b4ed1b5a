import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import * as signupRoute from "@/app/api/signup/route";
import * as commentRoute from "@/app/api/workspaces/[slug]/comments/[id]/route";
import * as issueCommentsRoute from "@/app/api/workspaces/[slug]/issues/[key]/comments/route";
import * as issueRoute from "@/app/api/workspaces/[slug]/issues/[key]/route";
import * as memberRoute from "@/app/api/workspaces/[slug]/members/[userId]/route";
import * as membersRoute from "@/app/api/workspaces/[slug]/members/route";
import * as projectIssuesRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/issues/route";
import * as projectRoute from "@/app/api/workspaces/[slug]/projects/[identifier]/route";
import * as projectsRoute from "@/app/api/workspaces/[slug]/projects/route";
import * as workspaceRoute from "@/app/api/workspaces/[slug]/route";
import * as workspacesRoute from "@/app/api/workspaces/route";
import { call, cookieFor } from "./route-client";

const tag = randomBytes(3).toString("hex");
const pw = "correct horse battery";
const people: Record<string, { id: string; email: string; cookie: string }> = {};
const slug = `acme-${tag}`;

async function signUp(name: string) {
  const email = `${name}-${tag}@example.test`;
  const res = await call(signupRoute.POST, null, {}, { method: "POST", body: { name, email, password: pw } });
  expect(res.status).toBe(201);
  people[name] = { id: res.body!.user.id, email, cookie: await cookieFor(res.body!.user.id) };
}

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  for (const name of ["admin", "member", "guest", "stranger"]) await signUp(name);
});
afterAll(() => getDbHandle().close());

const as = (name: string) => people[name]!.cookie;

describe("tracker REST routes", () => {
  it("sign-up validates and refuses a taken email", async () => {
    const bad = await call(signupRoute.POST, null, {}, { method: "POST", body: { name: "x", email: "nope", password: pw } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "bad_request:signup", field: "email" } } });
    const short = await call(signupRoute.POST, null, {}, { method: "POST", body: { name: "x", email: `x-${tag}@e.test`, password: "short" } });
    expect(short.body).toMatchObject({ error: { field: "password" } });
    const taken = await call(signupRoute.POST, null, {}, { method: "POST", body: { name: "x", email: people.admin!.email, password: pw } });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: "conflict:email", field: "email" } } });
    expect(JSON.stringify(taken.body)).not.toContain("scrypt");
  });

  it("workspaces: 401 anonymous, create as admin, taken and malformed slugs name the field", async () => {
    expect((await call(workspacesRoute.GET, null, {})).status).toBe(401);
    const created = await call(workspacesRoute.POST, as("admin"), {}, { method: "POST", body: { name: "Acme", slug } });
    expect(created).toMatchObject({ status: 201, body: { workspace: { slug, role: "admin" } } });
    expect((await call(workspacesRoute.POST, as("admin"), {}, { method: "POST", body: { name: "Acme", slug } })).body).toMatchObject({
      error: { code: "conflict:workspace_slug", field: "slug" },
    });
    expect((await call(workspacesRoute.POST, as("admin"), {}, { method: "POST", body: { name: "Acme", slug: "Bad Slug" } })).body).toMatchObject({
      error: { code: "bad_request:workspace", field: "slug" },
    });
    expect((await call(workspacesRoute.GET, as("admin"), {})).body!.workspaces.map((w: { slug: string }) => w.slug)).toContain(slug);
  });

  it("members: admins add by email with a role; others get 403; the last admin stays", async () => {
    for (const [name, role] of [["member", "member"], ["guest", "guest"]] as const) {
      const res = await call(membersRoute.POST, as("admin"), { slug }, { method: "POST", body: { email: people[name]!.email, role } });
      expect(res).toMatchObject({ status: 201, body: { member: { role } } });
    }
    expect((await call(membersRoute.POST, as("member"), { slug }, { method: "POST", body: { email: people.stranger!.email } })).status).toBe(403);
    expect((await call(membersRoute.POST, as("admin"), { slug }, { method: "POST", body: { email: "who@nowhere.test" } })).body).toMatchObject({
      error: { code: "not_found:user", field: "email" },
    });
    const demote = await call(memberRoute.PATCH, as("admin"), { slug, userId: people.admin!.id }, { method: "PATCH", body: { role: "member" } });
    expect(demote).toMatchObject({ status: 409, body: { error: { code: "conflict:last_admin" } } });
    expect((await call(memberRoute.PATCH, as("admin"), { slug, userId: people.member!.id }, { method: "PATCH", body: { role: "owner" } })).body).toMatchObject({
      error: { field: "role" },
    });
    expect((await call(membersRoute.GET, as("guest"), { slug })).body!.members).toHaveLength(3);
  });

  it("projects, issues and comments: success, validation, guest 403", async () => {
    const p = await call(projectsRoute.POST, as("member"), { slug }, { method: "POST", body: { name: "Website", identifier: "web", repository: "acme/site" } });
    expect(p).toMatchObject({ status: 201, body: { project: { identifier: "WEB", repository: "acme/site", default_branch: "main" } } });
    expect((await call(projectsRoute.POST, as("member"), { slug }, { method: "POST", body: { name: "W", identifier: "WEB" } })).status).toBe(409);
    expect((await call(projectsRoute.POST, as("guest"), { slug }, { method: "POST", body: { name: "X", identifier: "XX" } })).status).toBe(403);
    expect((await call(projectRoute.GET, as("guest"), { slug, identifier: "WEB" })).body!.project.name).toBe("Website");

    const issues = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(projectIssuesRoute.POST, as("member"), { slug, identifier: "WEB" }, { method: "POST", body: { title: `Issue ${i}`, description: "<script>x</script>[a](javascript:alert(1))" } }),
      ),
    );
    expect(issues.map((r) => r.body!.issue.key).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `WEB-${i + 1}`).sort());
    expect(issues[0]!.body!.issue.description_html).not.toMatch(/<script|javascript:/);
    expect((await call(projectIssuesRoute.POST, as("member"), { slug, identifier: "WEB" }, { method: "POST", body: { title: "" } })).body).toMatchObject({
      error: { field: "title" },
    });
    expect((await call(projectIssuesRoute.POST, as("guest"), { slug, identifier: "WEB" }, { method: "POST", body: { title: "x" } })).body).toMatchObject({
      error: { code: "forbidden:guest" },
    });
    const filtered = await call(projectIssuesRoute.GET, as("guest"), { slug, identifier: "WEB" }, { query: "?state=done" });
    expect(filtered.body!.issues).toEqual([]);
    expect((await call(projectIssuesRoute.GET, as("guest"), { slug, identifier: "WEB" }, { query: "?state=closed" })).status).toBe(400);

    const patched = await call(issueRoute.PATCH, as("member"), { slug, key: "WEB-1" }, { method: "PATCH", body: { state: "done" } });
    expect(patched.body!.issue.state).toBe("done");
    expect((await call(issueRoute.PATCH, as("guest"), { slug, key: "WEB-1" }, { method: "PATCH", body: { state: "todo" } })).status).toBe(403);
    expect((await call(issueRoute.GET, as("guest"), { slug, key: "WEB-99" })).status).toBe(404);

    const c = await call(issueCommentsRoute.POST, as("member"), { slug, key: "WEB-1" }, { method: "POST", body: { text: "Looks like a race." } });
    expect(c).toMatchObject({ status: 201, body: { comment: { body_html: "<p>Looks like a race.</p>", author: { type: "user", id: people.member!.id } }, sessions: [] } });
    const id = c.body!.comment.id as string;
    expect((await call(issueCommentsRoute.POST, as("member"), { slug, key: "WEB-1" }, { method: "POST", body: { text: " " } })).body).toMatchObject({
      error: { field: "text" },
    });
    expect((await call(commentRoute.PATCH, as("admin"), { slug, id }, { method: "PATCH", body: { text: "mine now" } })).body).toMatchObject({
      error: { code: "forbidden:comment" },
    });
    expect((await call(commentRoute.PATCH, as("member"), { slug, id }, { method: "PATCH", body: { text: "A race, fixed." } })).body!.comment.body_html).toBe(
      "<p>A race, fixed.</p>",
    );
    expect((await call(commentRoute.DELETE, as("member"), { slug, id }, { method: "DELETE" })).status).toBe(204);
    expect((await call(issueCommentsRoute.GET, as("guest"), { slug, key: "WEB-1" })).body!.comments).toEqual([]);
  });

  it("a non-member gets the same 404 as for a missing workspace on every route, with no names or counts", async () => {
    const routes: [unknown, string, Record<string, string>, unknown?][] = [
      [workspaceRoute.GET, "GET", {}],
      [membersRoute.GET, "GET", {}],
      [membersRoute.POST, "POST", {}, { email: people.stranger!.email }],
      [memberRoute.PATCH, "PATCH", { userId: people.member!.id }, { role: "admin" }],
      [memberRoute.DELETE, "DELETE", { userId: people.member!.id }],
      [projectsRoute.GET, "GET", {}],
      [projectsRoute.POST, "POST", {}, { name: "X", identifier: "XX" }],
      [projectRoute.GET, "GET", { identifier: "WEB" }],
      [projectIssuesRoute.GET, "GET", { identifier: "WEB" }],
      [projectIssuesRoute.POST, "POST", { identifier: "WEB" }, { title: "x" }],
      [issueRoute.GET, "GET", { key: "WEB-1" }],
      [issueRoute.PATCH, "PATCH", { key: "WEB-1" }, { title: "x" }],
      [issueCommentsRoute.GET, "GET", { key: "WEB-1" }],
      [issueCommentsRoute.POST, "POST", { key: "WEB-1" }, { text: "x" }],
      [commentRoute.PATCH, "PATCH", { id: "00000000-0000-4000-8000-000000000000" }, { text: "x" }],
      [commentRoute.DELETE, "DELETE", { id: "00000000-0000-4000-8000-000000000000" }],
    ];
    for (const [handler, method, params, body] of routes) {
      const res = await call(handler, as("stranger"), { slug, ...params }, { method, body });
      const missing = await call(handler, as("stranger"), { slug: `gone-${tag}`, ...params }, { method, body });
      expect(res.status, `${method} ${JSON.stringify(params)}`).toBe(404);
      expect(res.body).toEqual(missing.body);
      expect(JSON.stringify(res.body)).not.toMatch(/Acme|Website|Issue \d|\b[0-9]+ (issues|members)/);
      expect((await call(handler, null, { slug, ...params }, { method, body })).status).toBe(401);
    }
  });
});

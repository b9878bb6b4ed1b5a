import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient, SESSION_COOKIE, signIn, signUp, signUpAndIn, uniqueEmail, type ApiResponse, type NewUser } from "./support/api-client";

// The REST API over real HTTP against `next start` on the embedded default (see global-setup.ts).

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const password = "correct horse battery";
const person = (name: string): NewUser => ({ name, email: uniqueEmail(name), password });

const workspaceName = `Acme Rockets ${tag}`;
const slug = `acme-${tag}`;
const projectName = `Website ${tag}`;
const ws = (rest = "") => `/api/workspaces/${slug}${rest}`;

type Person = { client: ApiClient; id: string; user: NewUser };
let admin: Person;
let member: Person;
let colleague: Person; // a second member
let guest: Person;
let stranger: Person; // signed in, not a member

const expectError = (res: ApiResponse, status: number, code: string, field?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), ...(field ? { field } : {}) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
};

beforeAll(async () => {
  [admin, member, colleague, guest, stranger] = await Promise.all(
    ["Admin", "Member", "Colleague", "Guest", "Stranger"].map((n) => signUpAndIn(baseUrl, person(n))),
  ) as [Person, Person, Person, Person, Person];
});

describe("authentication", () => {
  it("refuses an anonymous request with 401 unauthorized:session", async () => {
    const res = await new ApiClient(baseUrl).get("/api/workspaces");
    expectError(res, 401, "unauthorized:session");
  });

  it("refuses a forged session cookie with 401, and accepts the real one", async () => {
    const forged = new ApiClient(baseUrl);
    forged.setCookie(SESSION_COOKIE, admin.client.cookie(SESSION_COOKIE)!.slice(0, -8) + "AAAAAAAA");
    expectError(await forged.get("/api/workspaces"), 401, "unauthorized:session");

    const real = await admin.client.get("/api/workspaces");
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ workspaces: [] });
  });

  it("gives no session cookie for a wrong password", async () => {
    const client = new ApiClient(baseUrl);
    const result = await client.signIn({ email: admin.user.email, password: "not the password" });
    expect(result.ok).toBe(false);
    expect(client.cookie(SESSION_COOKIE)).toBeUndefined();
    expect(result.url).toContain("error=CredentialsSignin");
    expectError(await client.get("/api/workspaces"), 401, "unauthorized:session");
  });
});

describe("sign-up", () => {
  it("creates an account (201) without returning any secret, and the password signs in", async () => {
    const user = person("Newcomer");
    const res = await signUp(baseUrl, { ...user, email: user.email.toUpperCase() });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: user.email, name: "Newcomer" } });
    const client = await signIn(baseUrl, user);
    expect((await client.get("/api/workspaces")).status).toBe(200);
  });

  it("refuses a taken email with 409 conflict:email naming the field, whatever its case", async () => {
    expectError(await signUp(baseUrl, { name: "Again", email: member.user.email, password }), 409, "conflict:email", "email");
    expectError(await signUp(baseUrl, { name: "Again", email: member.user.email.toUpperCase(), password }), 409, "conflict:email", "email");
  });

  it("refuses a malformed email with 400 naming the field email", async () => {
    expectError(await signUp(baseUrl, { name: "X", email: "not-an-email", password }), 400, "bad_request:signup", "email");
  });

  it("refuses a short password with 400 naming the field password", async () => {
    const res = await signUp(baseUrl, { name: "X", email: uniqueEmail("short"), password: "short" });
    expectError(res, 400, "bad_request:signup", "password");
  });
});

describe("workspaces", () => {
  it("creates a workspace (201) whose creator is its admin", async () => {
    const res = await admin.client.post("/api/workspaces", { name: workspaceName, slug });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ workspace: { id: expect.any(String), slug, name: workspaceName, role: "admin" } });
    expect((await admin.client.get(ws())).body).toEqual({ workspace: res.body.workspace });
    expect((await admin.client.get("/api/workspaces")).body.workspaces).toEqual([res.body.workspace]);
  });

  it("refuses a taken slug with 409 conflict:workspace_slug naming the field slug", async () => {
    const res = await member.client.post("/api/workspaces", { name: "Copycat", slug });
    expectError(res, 409, "conflict:workspace_slug", "slug");
    expect((await member.client.get("/api/workspaces")).body.workspaces).toEqual([]);
  });

  it("refuses a malformed slug with 400 naming the field slug", async () => {
    expectError(await admin.client.post("/api/workspaces", { name: "Bad", slug: "Bad Slug" }), 400, "bad_request:workspace", "slug");
  });

  it("refuses a body that is not JSON with 400 bad_request:json", async () => {
    const res = await admin.client.request("POST", "/api/workspaces", { raw: '{"name": "Broken", "slug": ' });
    expectError(res, 400, "bad_request:json");
  });
});

describe("members", () => {
  it("an admin adds a member, a second member and a guest by email", async () => {
    for (const [p, role] of [
      [member, "member"],
      [colleague, "member"],
      [guest, "guest"],
    ] as const) {
      const res = await admin.client.post(ws("/members"), { email: p.user.email, role });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ member: { user_id: p.id, email: p.user.email, name: p.user.name, role, joined_at: expect.any(String) } });
    }
    const list = await guest.client.get(ws("/members"));
    expect(list.status).toBe(200);
    const roles = Object.fromEntries(list.body.members.map((m: { user_id: string; role: string }) => [m.user_id, m.role]));
    expect(roles).toEqual({ [admin.id]: "admin", [member.id]: "member", [colleague.id]: "member", [guest.id]: "guest" });
    expect((await guest.client.get(ws())).body.workspace.role).toBe("guest");
  });

  it("a member cannot add people (403 forbidden:admin)", async () => {
    expectError(await member.client.post(ws("/members"), { email: stranger.user.email }), 403, "forbidden:admin");
    expect((await admin.client.get(ws("/members"))).body.members).toHaveLength(4);
  });
});

describe("projects and issues", () => {
  it("a member creates a project; its first issues are WEB-1 and WEB-2", async () => {
    const project = await member.client.post(ws("/projects"), { name: projectName, identifier: "web", repository: "acme/website" });
    expect(project.status).toBe(201);
    expect(project.body.project).toMatchObject({ name: projectName, identifier: "WEB", repository: "acme/website", default_branch: "main" });

    const first = await member.client.post(ws("/projects/WEB/issues"), { title: "Login button does nothing" });
    const second = await member.client.post(ws("/projects/WEB/issues"), { title: "Footer overlaps", state: "todo" });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.issue).toMatchObject({ key: "WEB-1", number: 1, title: "Login button does nothing", state: "backlog", project_id: project.body.project.id });
    expect(second.body.issue).toMatchObject({ key: "WEB-2", number: 2, title: "Footer overlaps", state: "todo" });
  });

  it("ten issues created in parallel over HTTP get ten distinct consecutive numbers", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => colleague.client.post(ws("/projects/WEB/issues"), { title: `Parallel ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const numbers = results.map((r) => r.body.issue.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const r of results) expect(r.body.issue.key).toBe(`WEB-${r.body.issue.number}`);

    const list = await admin.client.get(ws("/projects/WEB/issues"));
    expect(list.status).toBe(200);
    expect(list.body.issues.map((i: { key: string }) => i.key).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `WEB-${i + 1}`).sort());
  });

  it("an issue description is rendered without <script> or javascript: links", async () => {
    const description = [
      "Steps: click **Sign in**.",
      "",
      "<script>window.__xss = 1</script>",
      "",
      "[harmless looking](javascript:alert(document.cookie)) and [docs](https://example.com/docs)",
    ].join("\n");
    const created = await member.client.post(ws("/projects/WEB/issues"), { title: "Markdown", description });
    expect(created.status).toBe(201);
    const res = await guest.client.get(ws(`/issues/${created.body.issue.key}`));
    expect(res.status).toBe(200);
    expect(res.body.issue.description).toBe(description);
    const html: string = res.body.issue.description_html;
    expect(html).toContain("<strong>Sign in</strong>");
    expect(html).toContain('href="https://example.com/docs"');
    expect(html).toContain("harmless looking");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("__xss");
    expect(html).not.toMatch(/javascript:/i);
  });

  it("a member edits an issue's state", async () => {
    const res = await member.client.patch(ws("/issues/WEB-2"), { state: "in_progress" });
    expect(res.status).toBe(200);
    expect(res.body.issue).toMatchObject({ key: "WEB-2", state: "in_progress", title: "Footer overlaps" });
    expect((await guest.client.get(ws("/projects/WEB/issues?state=in_progress"))).body.issues.map((i: { key: string }) => i.key)).toEqual(["WEB-2"]);
  });
});

describe("a guest reads but cannot write", () => {
  it("a guest can list issues and read an issue and its comments", async () => {
    await member.client.post(ws("/issues/WEB-1/comments"), { text: "Seen on Chrome." });
    const issues = await guest.client.get(ws("/projects/WEB/issues"));
    expect(issues.status).toBe(200);
    expect(issues.body.issues.length).toBeGreaterThanOrEqual(12);
    const issue = await guest.client.get(ws("/issues/WEB-1"));
    expect(issue.status).toBe(200);
    expect(issue.body.issue.title).toBe("Login button does nothing");
    const comments = await guest.client.get(ws("/issues/WEB-1/comments"));
    expect(comments.status).toBe(200);
    expect(comments.body.comments.map((c: { body_html: string }) => c.body_html)).toContain("<p>Seen on Chrome.</p>");
  });

  it("a guest gets 403 forbidden:guest for creating an issue, commenting and editing an issue, and nothing changes", async () => {
    const before = (await guest.client.get(ws("/projects/WEB/issues"))).body.issues.length;
    const commentsBefore = (await guest.client.get(ws("/issues/WEB-1/comments"))).body.comments.length;

    expectError(await guest.client.post(ws("/projects/WEB/issues"), { title: "From a guest" }), 403, "forbidden:guest");
    expectError(await guest.client.post(ws("/issues/WEB-1/comments"), { text: "From a guest" }), 403, "forbidden:guest");
    expectError(await guest.client.patch(ws("/issues/WEB-1"), { title: "Renamed by a guest" }), 403, "forbidden:guest");

    expect((await guest.client.get(ws("/projects/WEB/issues"))).body.issues).toHaveLength(before);
    expect((await guest.client.get(ws("/issues/WEB-1/comments"))).body.comments).toHaveLength(commentsBefore);
    expect((await guest.client.get(ws("/issues/WEB-1"))).body.issue.title).toBe("Login button does nothing");
  });
});

describe("comments", () => {
  let commentId = "";

  it("a member comments with text (201) and gets server-rendered body_html", async () => {
    const res = await member.client.post(ws("/issues/WEB-1/comments"), { text: "Looks like a race.\nTried <b>twice</b>." });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      comment: {
        body_html: "<p>Looks like a race.</p><p>Tried &#x3C;b>twice&#x3C;/b>.</p>",
        author: { type: "user", id: member.id, name: member.user.name },
        edited_at: null,
      },
      sessions: [],
    });
    commentId = res.body.comment.id;
    const list = await guest.client.get(ws("/issues/WEB-1/comments"));
    expect(list.body.comments.map((c: { id: string }) => c.id)).toContain(commentId);
  });

  it("another member, even an admin, cannot edit or delete it (403 forbidden:comment)", async () => {
    for (const other of [colleague, admin]) {
      expectError(await other.client.patch(ws(`/comments/${commentId}`), { text: "mine now" }), 403, "forbidden:comment");
      expectError(await other.client.delete(ws(`/comments/${commentId}`)), 403, "forbidden:comment");
    }
    const list = await guest.client.get(ws("/issues/WEB-1/comments"));
    const comment = list.body.comments.find((c: { id: string }) => c.id === commentId);
    expect(comment).toMatchObject({ body_html: expect.stringContaining("Looks like a race."), edited_at: null });
  });

  it("an empty comment is refused with 400 naming the field text", async () => {
    expectError(await member.client.post(ws("/issues/WEB-1/comments"), { text: "" }), 400, "bad_request:comment", "text");
    expectError(await member.client.post(ws("/issues/WEB-1/comments"), { text: "  \n " }), 400, "bad_request:comment", "text");
  });

  it("the author edits (200, marked edited) and deletes (204) their comment", async () => {
    const edited = await member.client.patch(ws(`/comments/${commentId}`), { text: "A race, fixed." });
    expect(edited.status).toBe(200);
    expect(edited.body.comment).toMatchObject({ id: commentId, body_html: "<p>A race, fixed.</p>", edited_at: expect.any(String) });

    const deleted = await member.client.delete(ws(`/comments/${commentId}`));
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    const list = await guest.client.get(ws("/issues/WEB-1/comments"));
    expect(list.body.comments.map((c: { id: string }) => c.id)).not.toContain(commentId);
    expectError(await member.client.delete(ws(`/comments/${commentId}`)), 404, "not_found:comment");
  });
});

describe("a non-member learns nothing", () => {
  it("gets the same 404 as for a missing workspace on every workspace route, with no names or counts", async () => {
    const comment = await member.client.post(ws("/issues/WEB-1/comments"), { text: "Still here." });
    expect(comment.status).toBe(201);
    const commentId: string = comment.body.comment.id;
    const issueTitle = "Login button does nothing";

    const routes: [method: string, path: string, body?: unknown][] = [
      ["GET", ""],
      ["GET", "/members"],
      ["POST", "/members", { email: stranger.user.email, role: "admin" }],
      ["PATCH", `/members/${member.id}`, { role: "admin" }],
      ["DELETE", `/members/${colleague.id}`],
      ["GET", "/projects"],
      ["POST", "/projects", { name: "Intruder", identifier: "INT" }],
      ["GET", "/projects/WEB"],
      ["GET", "/projects/WEB/issues"],
      ["POST", "/projects/WEB/issues", { title: "Intruder issue" }],
      ["GET", "/issues/WEB-1"],
      ["PATCH", "/issues/WEB-1", { title: "Defaced" }],
      ["GET", "/issues/WEB-1/comments"],
      ["POST", "/issues/WEB-1/comments", { text: "Intruder comment" }],
      ["PATCH", `/comments/${commentId}`, { text: "Defaced" }],
      ["DELETE", `/comments/${commentId}`],
    ];
    const missingSlug = `gone-${tag}`;
    for (const [method, rest, json] of routes) {
      const res = await stranger.client.request(method, ws(rest), { json });
      const missing = await stranger.client.request(method, `/api/workspaces/${missingSlug}${rest}`, { json });
      const label = `${method} ${rest || "/"}`;
      expect(res.status, label).toBe(404);
      expect(res.body, label).toEqual(missing.body);
      expect(res.body, label).toEqual({ error: { code: "not_found:workspace", message: expect.any(String) } });
      const text = JSON.stringify(res.body);
      for (const secret of [workspaceName, slug, projectName, issueTitle, "Still here."]) expect(text, label).not.toContain(secret);
      expect(text, label).not.toMatch(/\d/);
    }

    // And nothing was changed by those requests.
    const members = (await admin.client.get(ws("/members"))).body.members as { user_id: string; role: string }[];
    expect(members.map((m) => m.user_id).sort()).toEqual([admin.id, member.id, colleague.id, guest.id].sort());
    expect(members.find((m) => m.user_id === member.id)?.role).toBe("member");
    expect((await admin.client.get(ws("/projects"))).body.projects.map((p: { identifier: string }) => p.identifier)).toEqual(["WEB"]);
    expect((await admin.client.get(ws("/issues/WEB-1"))).body.issue.title).toBe(issueTitle);
    const issues = (await admin.client.get(ws("/projects/WEB/issues"))).body.issues as { title: string }[];
    expect(issues.map((i) => i.title)).not.toContain("Intruder issue");
    const comments = (await admin.client.get(ws("/issues/WEB-1/comments"))).body.comments as { id: string; body_html: string }[];
    expect(comments.find((c) => c.id === commentId)?.body_html).toBe("<p>Still here.</p>");
    expect(comments.map((c) => c.body_html)).not.toContain("<p>Intruder comment</p>");
  });
});

describe("the last admin", () => {
  it("cannot demote themselves or leave (409 conflict:last_admin) until someone else is admin", async () => {
    expectError(await admin.client.patch(ws(`/members/${admin.id}`), { role: "member" }), 409, "conflict:last_admin", "role");
    expectError(await admin.client.delete(ws(`/members/${admin.id}`)), 409, "conflict:last_admin", "role");
    expect((await admin.client.get(ws())).body.workspace.role).toBe("admin");

    const promoted = await admin.client.patch(ws(`/members/${member.id}`), { role: "admin" });
    expect(promoted).toMatchObject({ status: 200, body: { member: { user_id: member.id, role: "admin" } } });
    const demoted = await admin.client.patch(ws(`/members/${admin.id}`), { role: "member" });
    expect(demoted).toMatchObject({ status: 200, body: { member: { user_id: admin.id, role: "member" } } });
    expect((await admin.client.get(ws())).body.workspace.role).toBe("member");
    expectError(await member.client.patch(ws(`/members/${member.id}`), { role: "guest" }), 409, "conflict:last_admin", "role");
  });
});

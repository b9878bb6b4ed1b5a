import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { DispatchError } from "@/lib/errors";
import { addComment, deleteComment, editComment, getComments } from "@/lib/comments/service";
import { createIssue, editIssue, getIssueByKeyOrThrow, getIssues } from "@/lib/issues/service";
import { createProject, getProjects } from "@/lib/projects/service";
import { makeWorkspace, openTestPostgres } from "./helpers";

let h: DbHandle;
const deps = { queue: new MemorySessionQueue() };
beforeAll(async () => {
  h = await openTestPostgres();
});
afterAll(() => h.close());

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as DispatchError,
  );

describe("projects", () => {
  it("creates a project with identifier, repository and default branch", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    const p = await createProject(h.db, adminCtx, { name: "Website", identifier: "web", repository: "acme/site", default_branch: "trunk" });
    expect(p).toMatchObject({ identifier: "WEB", repository: "acme/site", defaultBranch: "trunk", issueCounter: 0 });
    const plain = await createProject(h.db, adminCtx, { name: "API", identifier: "API" });
    expect(plain).toMatchObject({ repository: null, defaultBranch: "main" });
    expect((await getProjects(h.db, adminCtx)).map((x) => x.identifier)).toEqual(["API", "WEB"]);
  });

  it("names the field that is wrong", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    await createProject(h.db, adminCtx, { name: "Web", identifier: "WEB" });
    expect(await rejection(createProject(h.db, adminCtx, { name: "Web 2", identifier: "WEB" }))).toMatchObject({
      code: "conflict:project_identifier",
      field: "identifier",
    });
    expect(await rejection(createProject(h.db, adminCtx, { name: "X", identifier: "1X" }))).toMatchObject({ field: "identifier" });
    expect(await rejection(createProject(h.db, adminCtx, { name: "X", identifier: "XX", repository: "not a repo" }))).toMatchObject({
      field: "repository",
    });
    expect(await rejection(createProject(h.db, adminCtx, { name: "X", identifier: "XY", default_branch: "a..b" }))).toMatchObject({
      field: "default_branch",
    });
  });
});

describe("issues", () => {
  it("numbers never repeat within a project, even when 40 are created at once", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    const project = await createProject(h.db, adminCtx, { name: "Web", identifier: "WEB" });
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => createIssue(h.db, adminCtx, project, { title: `Issue ${i}` })));
    expect(created.map((i) => i.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const next = await createIssue(h.db, adminCtx, project, { title: "After" });
    expect(next.number).toBe(41);
  });

  it("each project counts on its own", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    const a = await createProject(h.db, adminCtx, { name: "A", identifier: "AA" });
    const b = await createProject(h.db, adminCtx, { name: "B", identifier: "BB" });
    await createIssue(h.db, adminCtx, a, { title: "a1" });
    expect((await createIssue(h.db, adminCtx, b, { title: "b1" })).number).toBe(1);
  });

  it("loads by key, edits title, description and state, and filters by state", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    const project = await createProject(h.db, adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, adminCtx, project, { title: "Login broken", description: "Steps:\n\n1. open" });
    expect(issue.state).toBe("backlog");
    const { issue: loaded } = await getIssueByKeyOrThrow(h.db, adminCtx, "web-1");
    expect(loaded.title).toBe("Login broken");
    await editIssue(h.db, adminCtx, issue.id, { state: "in_progress", title: "Login is broken" });
    expect((await getIssues(h.db, adminCtx, project, ["in_progress"])).map((i) => i.title)).toEqual(["Login is broken"]);
    expect(await getIssues(h.db, adminCtx, project, ["done"])).toEqual([]);
    expect(await rejection(editIssue(h.db, adminCtx, issue.id, { state: "closed" }))).toMatchObject({ field: "state" });
    expect(await rejection(editIssue(h.db, adminCtx, issue.id, {}))).toMatchObject({ code: "bad_request:issue" });
  });

  it("an issue of another workspace is not found", async () => {
    const one = await makeWorkspace(h.db);
    const two = await makeWorkspace(h.db);
    const project = await createProject(h.db, one.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, one.adminCtx, project, { title: "secret" });
    await createProject(h.db, two.adminCtx, { name: "Web", identifier: "WEB" });
    expect(await rejection(getIssueByKeyOrThrow(h.db, two.adminCtx, "WEB-1"))).toMatchObject({ code: "not_found:issue" });
    expect(await rejection(editIssue(h.db, two.adminCtx, issue.id, { title: "x" }))).toMatchObject({ code: "not_found:issue" });
  });

  it("guests read but cannot create or edit", async () => {
    const { adminCtx, members } = await makeWorkspace(h.db, ["guest"]);
    const guest = members[0]!.ctx;
    const project = await createProject(h.db, adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, adminCtx, project, { title: "t" });
    expect((await getIssues(h.db, guest, project)).length).toBe(1);
    expect(await rejection(createIssue(h.db, guest, project, { title: "no" }))).toMatchObject({ code: "forbidden:guest" });
    expect(await rejection(editIssue(h.db, guest, issue.id, { title: "no" }))).toMatchObject({ code: "forbidden:guest" });
    expect(await rejection(createProject(h.db, guest, { name: "P", identifier: "PP" }))).toMatchObject({ code: "forbidden:guest" });
  });
});

describe("comments", () => {
  async function issueFixture(roles: ("member" | "guest")[] = ["member", "guest"]) {
    const f = await makeWorkspace(h.db, roles);
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "t" });
    return { ...f, issue };
  }

  it("are listed in time order with their author", async () => {
    const { adminCtx, members, issue } = await issueFixture();
    await addComment(h.db, adminCtx, issue, { text: "first" }, deps).then((r) => r.comment);
    await addComment(h.db, members[0]!.ctx, issue, { text: "second" }, deps).then((r) => r.comment);
    const list = await getComments(h.db, adminCtx, issue.id);
    expect(list.map((c) => [c.bodyHtml, c.authorName])).toEqual([
      ["<p>first</p>", "Admin"],
      ["<p>second</p>", "member"],
    ]);
  });

  it("store the editor JSON and sanitized HTML", async () => {
    const { adminCtx, issue } = await issueFixture();
    const body = {
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] }],
    };
    const c = await addComment(h.db, adminCtx, issue, { body }, deps).then((r) => r.comment);
    expect(c.bodyHtml).not.toContain("javascript");
    expect(c.bodyJson).toMatchObject({ type: "doc" });
  });

  it("only the author edits or deletes; guests cannot comment", async () => {
    const { adminCtx, members, issue } = await issueFixture();
    const [member, guest] = [members[0]!.ctx, members[1]!.ctx];
    const c = await addComment(h.db, member, issue, { text: "mine" }, deps).then((r) => r.comment);
    expect(await rejection(editComment(h.db, adminCtx, c.id, { text: "theirs" }))).toMatchObject({ code: "forbidden:comment" });
    expect(await rejection(deleteComment(h.db, adminCtx, c.id))).toMatchObject({ code: "forbidden:comment" });
    expect(await rejection(addComment(h.db, guest, issue, { text: "hi" }, deps).then((r) => r.comment))).toMatchObject({ code: "forbidden:guest" });
    const edited = await editComment(h.db, member, c.id, { text: "mine, edited" });
    expect(edited.bodyHtml).toBe("<p>mine, edited</p>");
    expect(edited.editedAt).toBeInstanceOf(Date);
    await deleteComment(h.db, member, c.id);
    expect(await getComments(h.db, adminCtx, issue.id)).toEqual([]);
  });

  it("an empty or malformed comment is refused and nothing is written", async () => {
    const { adminCtx, issue } = await issueFixture([]);
    expect(await rejection(addComment(h.db, adminCtx, issue, { text: "   " }, deps).then((r) => r.comment))).toMatchObject({ code: "bad_request:comment", field: "text" });
    expect(await rejection(addComment(h.db, adminCtx, issue, { body: { type: "nope" } }, deps))).toMatchObject({ field: "body" });
    expect(await rejection(addComment(h.db, adminCtx, issue, {}, deps).then((r) => r.comment))).toMatchObject({ field: "body" });
    expect(await getComments(h.db, adminCtx, issue.id)).toEqual([]);
  });
});

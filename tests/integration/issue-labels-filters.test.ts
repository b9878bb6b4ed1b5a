import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError } from "@/lib/errors";
import { parseListFilters } from "@/lib/issues/filters";
import { createLabel, editLabel, getLabels, removeLabel } from "@/lib/issues/labels";
import { createIssue, editIssue, findIssues, getIssueByKeyOrThrow } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

let h: DbHandle;
const deps = { queue: new MemorySessionQueue(), signal: new MemoryCancelSignal() };
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

describe("labels", () => {
  it("members create labels with a colour; names are unique ignoring case; admins delete them", async () => {
    const { adminCtx, members } = await makeWorkspace(h.db, ["member", "guest"]);
    const [member, guest] = [members[0]!.ctx, members[1]!.ctx];
    const bug = await createLabel(h.db, member, { name: " Bug ", color: "#EF4444" });
    expect(bug).toMatchObject({ name: "Bug", color: "#ef4444" });
    await createLabel(h.db, member, { name: "api", color: "#3b82f6" });
    expect((await getLabels(h.db, guest)).map((l) => l.name)).toEqual(["api", "Bug"]);
    expect(await rejection(createLabel(h.db, member, { name: "BUG", color: "#000000" }))).toMatchObject({ code: "conflict:label_name", field: "name" });
    expect(await rejection(createLabel(h.db, member, { name: "x", color: "red" }))).toMatchObject({ code: "bad_request:label", field: "color" });
    expect(await rejection(createLabel(h.db, member, { name: "", color: "#000000" }))).toMatchObject({ field: "name" });
    expect(await rejection(createLabel(h.db, guest, { name: "y", color: "#000000" }))).toMatchObject({ code: "forbidden:guest" });
    expect(await rejection(removeLabel(h.db, member, bug.id))).toMatchObject({ code: "forbidden:admin" });
    await removeLabel(h.db, adminCtx, bug.id);
    expect(await rejection(removeLabel(h.db, adminCtx, bug.id))).toMatchObject({ code: "not_found:label" });
    expect(await rejection(removeLabel(h.db, adminCtx, "junk"))).toMatchObject({ code: "not_found:label" });
  });

  it("members rename and recolour labels; issues carrying one show the change; bad edits name the field and change nothing", async () => {
    const a = await makeWorkspace(h.db, ["member", "guest"]);
    const b = await makeWorkspace(h.db);
    const [member, guest] = [a.members[0]!.ctx, a.members[1]!.ctx];
    const project = await createProject(h.db, a.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, a.adminCtx, project, { title: "One" });
    const bug = await createLabel(h.db, member, { name: "bug", color: "#ef4444" });
    await createLabel(h.db, member, { name: "api", color: "#3b82f6" });
    await editIssue(h.db, a.adminCtx, issue.id, { labels: [bug.id] }, deps);

    expect(await editLabel(h.db, member, bug.id, { name: " Defect " })).toMatchObject({ id: bug.id, name: "Defect", color: "#ef4444" });
    expect(await editLabel(h.db, member, bug.id, { color: "#22C55E" })).toMatchObject({ name: "Defect", color: "#22c55e" });
    // Only the case changes: the same label, not a clash with itself.
    expect(await editLabel(h.db, member, bug.id, { name: "DEFECT" })).toMatchObject({ name: "DEFECT" });
    expect((await getIssueByKeyOrThrow(h.db, a.adminCtx, "WEB-1")).issue.labels).toEqual([{ id: bug.id, name: "DEFECT", color: "#22c55e" }]);

    expect(await rejection(editLabel(h.db, member, bug.id, { name: "API" }))).toMatchObject({ code: "conflict:label_name", field: "name" });
    expect(await rejection(editLabel(h.db, member, bug.id, { name: "  " }))).toMatchObject({ code: "bad_request:label", field: "name" });
    expect(await rejection(editLabel(h.db, member, bug.id, { color: "green" }))).toMatchObject({ code: "bad_request:label", field: "color" });
    expect(await rejection(editLabel(h.db, member, bug.id, {}))).toMatchObject({ code: "bad_request:label", field: "name" });
    expect(await rejection(editLabel(h.db, guest, bug.id, { name: "x" }))).toMatchObject({ code: "forbidden:guest" });
    expect(await rejection(editLabel(h.db, b.adminCtx, bug.id, { name: "theirs" }))).toMatchObject({ code: "not_found:label" });
    expect(await rejection(editLabel(h.db, member, "junk", { name: "x" }))).toMatchObject({ code: "not_found:label" });
    expect((await getLabels(h.db, member)).map((l) => `${l.name} ${l.color}`)).toEqual(["api #3b82f6", "DEFECT #22c55e"]);
  });

  it("an issue takes only its own workspace's labels; deleting a label takes it off the issue", async () => {
    const a = await makeWorkspace(h.db);
    const b = await makeWorkspace(h.db);
    const project = await createProject(h.db, a.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, a.adminCtx, project, { title: "One" });
    const mine = await createLabel(h.db, a.adminCtx, { name: "bug", color: "#ef4444" });
    const theirs = await createLabel(h.db, b.adminCtx, { name: "bug", color: "#ef4444" });
    expect(await rejection(editIssue(h.db, a.adminCtx, issue.id, { labels: [theirs.id] }, deps))).toMatchObject({ field: "labels" });
    await editIssue(h.db, a.adminCtx, issue.id, { labels: [mine.id] }, deps);
    expect((await getIssueByKeyOrThrow(h.db, a.adminCtx, "WEB-1")).issue.labels).toEqual([{ id: mine.id, name: "bug", color: "#ef4444" }]);
    await removeLabel(h.db, a.adminCtx, mine.id);
    expect((await getIssueByKeyOrThrow(h.db, a.adminCtx, "WEB-1")).issue.labels).toEqual([]);
  });
});

describe("the issue list's filters and title search", () => {
  async function fixture() {
    const f = await makeWorkspace(h.db, ["member"]);
    const ctx = f.adminCtx;
    const claude = (await loadCatalog(h.db, ctx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: ctx.workspace.id, providerId: claude.id, patch: {} });
    await connectForTest(h.db, { workspaceId: ctx.workspace.id, kind: claude.slug });
    const project = await createProject(h.db, ctx, { name: "Web", identifier: "WEB" });
    const bug = await createLabel(h.db, ctx, { name: "bug", color: "#ef4444" });
    const make = async (title: string, patch: Record<string, unknown>) => {
      const issue = await createIssue(h.db, ctx, project, { title });
      if (Object.keys(patch).length) await editIssue(h.db, ctx, issue.id, patch, deps);
      return issue;
    };
    await make("Login fails with 100% CPU", { priority: "urgent", labels: [bug.id], assignee: { type: "user", user_id: f.admin.id } });
    await make("Logout button misaligned", { priority: "low", state: "done" });
    await make("Signup_form typo", { assignee: { type: "agent", provider_slug: "claude", variant_slug: "opus" } });
    await make("Search is slow", { priority: "high", assignee: { type: "user", user_id: f.members[0]!.user.id }, state: "todo" });
    const list = async (qs: string) => (await findIssues(h.db, ctx, project, parseListFilters(new URLSearchParams(qs), { strict: true }))).map((i) => i.title);
    return { ...f, list };
  }

  it("filters by state, priority, assignee (me, a member, an agent, nobody) and label, newest first", async () => {
    const { list, members } = await fixture();
    expect(await list("")).toEqual(["Search is slow", "Signup_form typo", "Login fails with 100% CPU"]);
    expect(await list("state=all")).toHaveLength(4);
    expect(await list("state=done")).toEqual(["Logout button misaligned"]);
    expect(await list("priority=urgent,high")).toEqual(["Search is slow", "Login fails with 100% CPU"]);
    expect(await list("assignee=me")).toEqual(["Login fails with 100% CPU"]);
    expect(await list(`assignee=user:${members[0]!.user.id}`)).toEqual(["Search is slow"]);
    expect(await list("assignee=agent:claude-opus")).toEqual(["Signup_form typo"]);
    expect(await list("assignee=agent:claude-haiku")).toEqual([]);
    expect(await list("state=all&assignee=none")).toEqual(["Logout button misaligned"]);
    expect(await list("label=BUG")).toEqual(["Login fails with 100% CPU"]);
    expect(await list("label=nothing")).toEqual([]);
    expect(await list("priority=urgent&label=bug&assignee=me&q=login")).toEqual(["Login fails with 100% CPU"]);
  });

  it("searches titles case-insensitively; % and _ are plain characters and SQL in the text is just text", async () => {
    const { list } = await fixture();
    expect(await list("state=all&q=LOG")).toEqual(["Logout button misaligned", "Login fails with 100% CPU"]);
    expect(await list("state=all&q=100%25")).toEqual(["Login fails with 100% CPU"]);
    expect(await list("state=all&q=%25")).toEqual(["Login fails with 100% CPU"]);
    expect(await list("state=all&q=p_f")).toEqual(["Signup_form typo"]);
    expect(await list("state=all&q=n_f")).toEqual([]);
    expect(await list(`state=all&q=${encodeURIComponent("' OR 1=1; --")}`)).toEqual([]);
    expect(await list(`state=all&q=${encodeURIComponent("\\")}`)).toEqual([]);
  });

  it("the list carries priority, assignee and labels", async () => {
    const { list, adminCtx } = await fixture();
    await list("");
    const project = (await getIssueByKeyOrThrow(h.db, adminCtx, "WEB-1")).project;
    const [row] = (await findIssues(h.db, adminCtx, project, parseListFilters(new URLSearchParams("q=login"), { strict: true })));
    expect(row).toMatchObject({ priority: "urgent", assignee: { kind: "user", name: "Admin" }, labels: [{ name: "bug", color: "#ef4444" }] });
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The routes read the process's database and sign-in secret: set both before anything loads them.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;

import { eq, sql } from "drizzle-orm";
import { getDbHandle, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { agentSessions, inboxItems } from "@/db/schema";
import { addComment, editComment } from "@/lib/comments/service";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError } from "@/lib/errors";
import { notifyAssignee } from "@/lib/inbox/notify";
import { getInbox, getUnreadCount, markAllInboxRead, markInboxItem } from "@/lib/inbox/service";
import { createIssue, editIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { reconcileOnce } from "@/lib/sessions/reconcile";
import { cancelSession } from "@/lib/sessions/service";
import { transitionSession } from "@/lib/sessions/transitions";
import { loadWorkspaceContext, type WorkspaceContext } from "@/lib/workspaces/access";
import * as inboxRoute from "@/app/api/workspaces/[slug]/inbox/route";
import * as itemRoute from "@/app/api/workspaces/[slug]/inbox/[id]/route";
import * as readAllRoute from "@/app/api/workspaces/[slug]/inbox/read-all/route";
import { makeUser, makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";

let h: DbHandle;
// Nothing takes jobs from it: sessions stay where the test moves them.
const queue = new MemorySessionQueue();

beforeAll(async () => {
  h = getDbHandle();
  await prepareDatabase(h, process.env.DATABASE_URL);
});
afterAll(async () => {
  await h.close();
});

async function fixture() {
  const f = await makeWorkspace(h.db, ["member", "guest"]);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Totals are off", description: "" });
  const provider = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: provider.id, patch: {} });
  await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "claude" });
  return { ...f, issue, member: f.members[0]!, guest: f.members[1]! };
}

const text = (t: string) => ({ type: "text", text: t });
const userChip = (id: string, label: string) => ({ type: "mention", attrs: { kind: "user", id, label, provider: null, variant: null, skill: null } });
const doc = (...inline: unknown[]) => ({ body: { type: "doc", content: [{ type: "paragraph", content: inline }] } });

async function startAgent(ctx: WorkspaceContext, issue: { id: string; projectId: string }) {
  const { sessions } = await addComment(h.db, ctx, issue, { text: "@claude find why [script:inbox]" }, { queue });
  return sessions[0]!;
}

const itemsOf = (userId: string) => h.db.select().from(inboxItems).where(eq(inboxItems.userId, userId));

describe("inbox items for sessions that end", () => {
  it("a completed session gives its starter exactly one item, linked to its card; later transitions add none", async () => {
    const f = await fixture();
    const s = await startAgent(f.member.ctx, f.issue);
    expect(await getUnreadCount(h.db, f.member.ctx)).toBe(0);
    await transitionSession(h.db, s.id, "provisioning", {}, { queue });
    await transitionSession(h.db, s.id, "running", {}, { queue });
    await transitionSession(h.db, s.id, "completed", { answer: "Rounding." }, { queue });
    expect(await transitionSession(h.db, s.id, "failed", {}, { queue })).toBeUndefined();

    const inbox = await getInbox(h.db, f.member.ctx);
    expect(inbox.unread).toBe(1);
    expect(inbox.items).toEqual([
      expect.objectContaining({ kind: "agent_finished", title: "Claude Sonnet finished", status: "completed", issueKey: "WEB-1", read: false, href: `/${f.ws.slug}/issue/WEB-1#session-${s.id}` }),
    ]);
    // Nobody else hears of it.
    expect(await itemsOf(f.admin.id)).toEqual([]);
  });

  it("a cancel racing a finish ends in one state and one item", async () => {
    const f = await fixture();
    const s = await startAgent(f.member.ctx, f.issue);
    await transitionSession(h.db, s.id, "provisioning", {}, { queue });
    await transitionSession(h.db, s.id, "running", {}, { queue });
    await Promise.all([
      transitionSession(h.db, s.id, "completed", { answer: "done" }, { queue }),
      cancelSession(h.db, f.adminCtx, s.id, { queue, signal: new MemoryCancelSignal() }).catch(() => undefined),
      transitionSession(h.db, s.id, "timed_out", {}, { queue }),
    ]);
    const items = await itemsOf(f.member.user.id);
    expect(items).toHaveLength(1);
    const [row] = await h.db.select().from(agentSessions).where(eq(agentSessions.id, s.id));
    expect(items[0]!.detail).toBe(row!.status);
  });

  it("a session the reconciler ends (its worker is gone) gives one failed item", async () => {
    const f = await fixture();
    const s = await startAgent(f.member.ctx, f.issue);
    await transitionSession(h.db, s.id, "provisioning", { workerId: `gone-${s.id}` }, { queue });
    // Silent for two hours: only this session is that old, so other files' sessions are left alone.
    await h.db.update(agentSessions).set({ updatedAt: sql`now() - interval '2 hours'` }).where(eq(agentSessions.id, s.id));
    const result = await reconcileOnce({ db: h.db, queue, staleSeconds: 3600, observedSeconds: 3600 });
    expect(result.failed).toBeGreaterThanOrEqual(1);
    await reconcileOnce({ db: h.db, queue, staleSeconds: 3600, observedSeconds: 3600 });
    const inbox = await getInbox(h.db, f.member.ctx);
    expect(inbox.items.map((i) => [i.title, i.status])).toEqual([["Claude Sonnet failed", "failed"]]);
  });

  it("a starter who left the workspace gets no item", async () => {
    const f = await fixture();
    const s = await startAgent(f.member.ctx, f.issue);
    const { removeMember } = await import("@/lib/workspaces/service");
    await removeMember(h.db, f.adminCtx, f.member.user.id);
    await transitionSession(h.db, s.id, "cancelled", {}, { queue });
    expect(await itemsOf(f.member.user.id)).toEqual([]);
  });
});

describe("inbox items for mentions", () => {
  it("a person chip and a typed @name each notify a member once per comment, never the author or a non-member", async () => {
    const f = await fixture();
    const outsider = await makeUser(h.db, "Olga Outside");
    await addComment(
      h.db,
      f.member.ctx,
      f.issue,
      doc(userChip(f.admin.id, "Admin"), text(" and @Admin again, "), userChip(outsider.id, "Olga Outside"), text(" @OlgaOutside, me: "), userChip(f.member.user.id, "member"), text(" and @guest `@member`")),
      { queue },
    );
    const adminInbox = await getInbox(h.db, f.adminCtx);
    expect(adminInbox.items).toEqual([expect.objectContaining({ kind: "mention", title: "member mentioned you", read: false })]);
    expect(adminInbox.items[0]!.href).toMatch(new RegExp(`/${f.ws.slug}/issue/WEB-1#comment-[0-9a-f-]{36}$`));
    // A guest reads the workspace, so a mention reaches them too.
    expect((await getInbox(h.db, f.guest.ctx)).items.map((i) => i.kind)).toEqual(["mention"]);
    expect(await itemsOf(outsider.id)).toEqual([]);
    expect(await itemsOf(f.member.user.id)).toEqual([]);
  });

  it("a mention inside code is text, and an agent mention in the same comment notifies the mentioned person too", async () => {
    const f = await fixture();
    await addComment(h.db, f.member.ctx, f.issue, { text: "`@Admin` is in code\n```\n@Admin\n```" }, { queue });
    expect(await itemsOf(f.admin.id)).toEqual([]);
    await addComment(h.db, f.member.ctx, f.issue, { text: "@claude look, and @Admin please review [script:inbox]" }, { queue });
    expect((await getInbox(h.db, f.adminCtx)).items.map((i) => i.title)).toEqual(["member mentioned you"]);
  });

  it("an edited comment notifies only the people it newly mentions", async () => {
    const f = await fixture();
    const { comment } = await addComment(h.db, f.member.ctx, f.issue, doc(text("cc @Admin")), { queue });
    await markAllInboxRead(h.db, f.adminCtx);
    await editComment(h.db, f.member.ctx, comment.id, doc(text("cc @Admin and @guest")));
    expect(await getUnreadCount(h.db, f.adminCtx)).toBe(0);
    expect(await itemsOf(f.admin.id)).toHaveLength(1);
    expect((await getInbox(h.db, f.guest.ctx)).items.map((i) => i.title)).toEqual(["member mentioned you"]);
  });
});

describe("reading and marking", () => {
  it("mark one read and unread, then all read; the count follows", async () => {
    const f = await fixture();
    for (const who of ["@Admin one", "@Admin two", "@Admin three"]) await addComment(h.db, f.member.ctx, f.issue, doc(text(who)), { queue });
    const { items, unread } = await getInbox(h.db, f.adminCtx);
    expect(unread).toBe(3);
    expect(await markInboxItem(h.db, f.adminCtx, items[0]!.id, { read: true })).toEqual({ id: items[0]!.id, read: true, unread: 2 });
    expect(await markInboxItem(h.db, f.adminCtx, items[0]!.id, { read: false })).toMatchObject({ read: false, unread: 3 });
    expect((await getInbox(h.db, f.adminCtx, { unread: "1" })).items).toHaveLength(3);
    expect(await markAllInboxRead(h.db, f.adminCtx)).toEqual({ marked: 3, unread: 0 });
    expect((await getInbox(h.db, f.adminCtx, { unread: "1" })).items).toEqual([]);
  });

  it("nobody can read or mark another person's items: not found, never forbidden", async () => {
    const f = await fixture();
    await addComment(h.db, f.member.ctx, f.issue, doc(text("@Admin look")), { queue });
    const [item] = (await getInbox(h.db, f.adminCtx)).items;
    expect((await getInbox(h.db, f.member.ctx)).items).toEqual([]);
    const err = await markInboxItem(h.db, f.member.ctx, item!.id, { read: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DispatchError);
    expect((err as DispatchError).status).toBe(404);
    expect(await markAllInboxRead(h.db, f.member.ctx)).toEqual({ marked: 0, unread: 0 });
    expect(await getUnreadCount(h.db, f.adminCtx)).toBe(1);
  });

  it("the routes: own items only, 404 for someone else's item and for a non-member, 400 naming a bad field", async () => {
    const f = await fixture();
    await addComment(h.db, f.member.ctx, f.issue, doc(text("@Admin look")), { queue });
    const admin = await cookieFor(f.admin.id);
    const member = await cookieFor(f.member.user.id);
    const outsider = await cookieFor((await makeUser(h.db, "Out")).id);
    const slug = f.ws.slug;

    const list = await call(inboxRoute.GET, admin, { slug });
    expect(list.status).toBe(200);
    expect(list.body!.unread).toBe(1);
    const id = list.body!.items[0].id as string;

    expect((await call(itemRoute.PATCH, member, { slug, id }, { method: "PATCH", body: { read: true } })).status).toBe(404);
    expect((await call(itemRoute.PATCH, admin, { slug, id: "not-an-id" }, { method: "PATCH", body: { read: true } })).status).toBe(404);
    expect((await call(inboxRoute.GET, outsider, { slug })).status).toBe(404);
    expect((await call(readAllRoute.POST, outsider, { slug }, { method: "POST" })).status).toBe(404);
    const bad = await call(itemRoute.PATCH, admin, { slug, id }, { method: "PATCH", body: { read: "yes" } });
    expect(bad.status).toBe(400);
    expect(bad.body!.error).toMatchObject({ code: "bad_request:inbox", field: "read" });
    expect((await call(inboxRoute.GET, admin, { slug }, { query: "?limit=1000" })).body!.error).toMatchObject({ field: "limit" });

    expect((await call(itemRoute.PATCH, admin, { slug, id }, { method: "PATCH", body: { read: true } })).body).toEqual({ id, read: true, unread: 0 });
    expect((await call(readAllRoute.POST, admin, { slug }, { method: "POST" })).body).toEqual({ marked: 0, unread: 0 });
  });
});

describe("notifyAssignee (for the assignee column)", () => {
  it("writes one item per change, none for the assignee's own change or a non-member", async () => {
    const f = await fixture();
    const base = { workspaceId: f.ws.id, issueId: f.issue.id, assigneeUserId: f.member.user.id };
    await notifyAssignee(h.db, { ...base, actorUserId: f.admin.id, change: { what: "state", state: "in_progress" }, eventKey: `issue:${f.issue.id}:7` });
    await notifyAssignee(h.db, { ...base, actorUserId: f.admin.id, change: { what: "state", state: "in_progress" }, eventKey: `issue:${f.issue.id}:7` });
    await notifyAssignee(h.db, { ...base, actorUserId: f.member.user.id, change: { what: "assigned" }, eventKey: `issue:${f.issue.id}:8` });
    const outsider = await makeUser(h.db, "Out");
    await notifyAssignee(h.db, { ...base, assigneeUserId: outsider.id, actorUserId: f.admin.id, change: { what: "assigned" }, eventKey: `issue:${f.issue.id}:9` });
    expect((await getInbox(h.db, await loadWorkspaceContext(h.db, f.ws.slug, f.member.user.id))).items.map((i) => i.title)).toEqual(["Admin moved your issue to in progress"]);
    expect(await itemsOf(outsider.id)).toEqual([]);
  });
});

describe("an issue assigned to you", () => {
  it("a comment by someone else and an agent someone else started each give one item; your own comment none", async () => {
    const f = await fixture();
    await editIssue(h.db, f.adminCtx, f.issue.id, { assignee: { type: "user", user_id: f.member.user.id } });
    const memberCtx = await loadWorkspaceContext(h.db, f.ws.slug, f.member.user.id);
    const titles = async () => (await getInbox(h.db, memberCtx)).items.map((i) => i.title);
    expect(await titles()).toEqual(["Admin assigned you"]);

    await addComment(h.db, f.adminCtx, f.issue, { text: "Numbers attached." }, { queue });
    await addComment(h.db, f.member.ctx, f.issue, { text: "Looking." }, { queue });
    expect(await titles()).toEqual(["Admin commented on your issue", "Admin assigned you"]);

    // The admin's mention (its comment notifies once more), then the run ends: one item for it.
    const s = await startAgent(f.adminCtx, f.issue);
    await cancelSession(h.db, f.adminCtx, s.id, { queue, signal: new MemoryCancelSignal() });
    const all = await titles();
    expect(all.filter((t) => t.startsWith("Claude Sonnet"))).toEqual(["Claude Sonnet was cancelled on your issue"]);
    expect(all.filter((t) => t === "Admin commented on your issue")).toHaveLength(2);

    // An agent the assignee started tells them once, as its starter, not again as assignee.
    const own = await startAgent(f.member.ctx, f.issue);
    await cancelSession(h.db, f.member.ctx, own.id, { queue, signal: new MemoryCancelSignal() });
    expect((await titles()).filter((t) => t.startsWith("Claude Sonnet"))).toEqual(["Claude Sonnet was cancelled", "Claude Sonnet was cancelled on your issue"]);
  });
});

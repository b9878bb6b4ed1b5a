import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { listIssueActivityAfter } from "@/db/queries/issue-events";
import { listAssignments } from "@/db/queries/issue-assignments";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { updateAgentConfig } from "@/lib/agents/providers";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { DispatchError } from "@/lib/errors";
import { getInbox } from "@/lib/inbox/service";
import { createIssue, editIssue, getIssueByKeyOrThrow } from "@/lib/issues/service";
import { toTimelineAssignment } from "@/lib/issues/timeline";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { listSessions } from "@/lib/sessions/service";
import { transitionSession } from "@/lib/sessions/transitions";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { makeUser, makeWorkspace, openTestPostgres } from "./helpers";
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

async function connect(ctx: WorkspaceContext, slug: string) {
  const provider = (await loadCatalog(h.db, ctx.workspace.id)).find((p) => p.slug === slug)!;
  await upsertAgentConfig(h.db, { workspaceId: ctx.workspace.id, providerId: provider.id, patch: {} });
  await connectForTest(h.db, { workspaceId: ctx.workspace.id, kind: provider.slug });
}

async function fixture() {
  const f = await makeWorkspace(h.db, ["member", "guest"]);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Login test fails", description: "The login test fails on CI." });
  await connect(f.adminCtx, "claude");
  return { ...f, project, issue, member: f.members[0]!, guest: f.members[1]! };
}

const opus = { type: "agent", provider_slug: "claude", variant_slug: "opus" } as const;
const sonnet = { type: "agent", provider_slug: "claude", variant_slug: "sonnet" } as const;
const sessionsOf = (ctx: WorkspaceContext, issueId: string) => listSessions(h.db, ctx, issueId);
const assigneeOf = async (ctx: WorkspaceContext) => (await getIssueByKeyOrThrow(h.db, ctx, "WEB-1")).issue.assignee;

describe("assigning an issue to an agent", () => {
  it("starts one session with the issue as its request, and the timeline says who assigned whom", async () => {
    const { issue, member } = await fixture();
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps);
    const sessions = await sessionsOf(member.ctx, issue.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ triggerCommentId: null, modelId: "claude-opus-4-6", requestedBy: member.user.id, prompt: "Login test fails\n\nThe login test fails on CI." });
    expect(["queued", "pending"]).toContain(sessions[0]!.status);
    expect(await assigneeOf(member.ctx)).toMatchObject({ kind: "agent", providerSlug: "claude", variantSlug: "opus", name: "Claude Opus" });
    const [entry] = (await listAssignments(h.db, { workspaceId: member.ctx.workspace.id, issueId: issue.id })).map(toTimelineAssignment);
    expect(entry).toMatchObject({ actorName: "member", assignee: { kind: "agent", name: "Claude Opus", skill: null }, sessionId: sessions[0]!.id });
    const activity = await listIssueActivityAfter(h.db, { workspaceId: member.ctx.workspace.id, issueId: issue.id, afterSeq: 0 });
    expect(activity.map((a) => a.type)).toEqual(["issue.assigned", "session.created"]);
  });

  it("assigning the same agent again, even six times at once, starts no second session", async () => {
    const { issue, member } = await fixture();
    await Promise.all(Array.from({ length: 6 }, () => editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps)));
    await editIssue(h.db, member.ctx, issue.id, { assignee: { ...opus } }, deps);
    expect(await sessionsOf(member.ctx, issue.id)).toHaveLength(1);
    expect(await listAssignments(h.db, { workspaceId: member.ctx.workspace.id, issueId: issue.id })).toHaveLength(1);
  });

  it("reassigning starts the new agent; the previous run goes on unless asked to cancel it", async () => {
    const { issue, member } = await fixture();
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps);
    await editIssue(h.db, member.ctx, issue.id, { assignee: sonnet }, deps);
    let sessions = await sessionsOf(member.ctx, issue.id);
    expect(sessions.map((s) => s.modelId)).toEqual(["claude-opus-4-6", "claude-sonnet-4-6"]);
    expect(sessions.every((s) => s.status !== "cancelled")).toBe(true);
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus, cancel_session: true }, deps);
    sessions = await sessionsOf(member.ctx, issue.id);
    expect(sessions.map((s) => [s.modelId, s.status === "cancelled"])).toEqual([
      ["claude-opus-4-6", false],
      ["claude-sonnet-4-6", true],
      ["claude-opus-4-6", false],
    ]);
    // A second run of the same agent continues the first one's work.
    expect(sessions[2]!.parentSessionId).toBe(sessions[0]!.id);
  });

  it("unassigning an agent cancels its running session only when asked", async () => {
    const { issue, member } = await fixture();
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps);
    await editIssue(h.db, member.ctx, issue.id, { assignee: null }, deps);
    expect((await sessionsOf(member.ctx, issue.id))[0]!.status).not.toBe("cancelled");
    expect(await assigneeOf(member.ctx)).toBeNull();
    await editIssue(h.db, member.ctx, issue.id, { assignee: sonnet }, deps);
    await editIssue(h.db, member.ctx, issue.id, { assignee: null, cancel_session: true }, deps);
    const sessions = await sessionsOf(member.ctx, issue.id);
    expect(sessions[1]).toMatchObject({ status: "cancelled", errorMessage: "Cancelled by member." });
    const entries = (await listAssignments(h.db, { workspaceId: member.ctx.workspace.id, issueId: issue.id })).map(toTimelineAssignment);
    expect(entries.map((e) => e.assignee?.name ?? null)).toEqual(["Claude Opus", null, "Claude Sonnet", null]);
  });

  it("a finished run is left alone when unassigning asks to cancel it", async () => {
    const { issue, member } = await fixture();
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps);
    const [s] = await sessionsOf(member.ctx, issue.id);
    await transitionSession(h.db, s!.id, "failed", { errorMessage: "boom" });
    await editIssue(h.db, member.ctx, issue.id, { assignee: null, cancel_session: true }, deps);
    expect((await sessionsOf(member.ctx, issue.id))[0]!.status).toBe("failed");
    expect(await assigneeOf(member.ctx)).toBeNull();
  });

  it("respects the limit set to refuse, like a mention, and then assigns nothing", async () => {
    const { issue, adminCtx, member, project } = await fixture();
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", max_concurrent_sessions: 1, when_full: "refuse" }] });
    const other = await createIssue(h.db, adminCtx, project, { title: "Other" });
    await editIssue(h.db, member.ctx, other.id, { assignee: sonnet }, deps);
    const err = await rejection(editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps));
    expect(err).toMatchObject({ code: "rate_limit:concurrency", field: "assignee" });
    expect(err.message).toContain("1 of 1 concurrent sessions");
    expect(await sessionsOf(member.ctx, issue.id)).toEqual([]);
    expect(await assigneeOf(member.ctx)).toBeNull();
  });

  it("with the limit set to queue, the assigned agent waits in line like a mention", async () => {
    const { issue, adminCtx, member, project } = await fixture();
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", max_concurrent_sessions: 1 }] });
    const other = await createIssue(h.db, adminCtx, project, { title: "Other" });
    await editIssue(h.db, member.ctx, other.id, { assignee: sonnet }, deps);
    await editIssue(h.db, member.ctx, issue.id, { assignee: opus }, deps);
    expect((await sessionsOf(member.ctx, issue.id))[0]).toMatchObject({ status: "queued", queuePosition: 1 });
  });

  it("refuses a disabled variant, an unknown agent or a disconnected provider with a clear error naming the assignee", async () => {
    const { issue, adminCtx, member } = await fixture();
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", variants: [{ slug: "haiku", enabled: false }] }] });
    const disabled = await rejection(editIssue(h.db, member.ctx, issue.id, { assignee: { type: "agent", provider_slug: "claude", variant_slug: "haiku" } }, deps));
    expect(disabled).toMatchObject({ code: "bad_request:agent", field: "assignee" });
    expect(disabled.message).toContain("Claude Haiku is disabled");
    expect(await rejection(editIssue(h.db, member.ctx, issue.id, { assignee: { type: "agent", provider_slug: "gpt" } }, deps))).toMatchObject({
      code: "bad_request:agent",
      field: "assignee",
      message: expect.stringContaining('Unknown agent "gpt"'),
    });
    expect(await rejection(editIssue(h.db, member.ctx, issue.id, { assignee: { type: "agent", provider_slug: "gemini" } }, deps))).toMatchObject({
      code: "conflict:provider_not_connected",
      field: "assignee",
    });
    expect(await sessionsOf(member.ctx, issue.id)).toEqual([]);
    expect(await assigneeOf(member.ctx)).toBeNull();
  });

  it("guests cannot assign", async () => {
    const { issue, guest } = await fixture();
    expect(await rejection(editIssue(h.db, guest.ctx, issue.id, { assignee: opus }, deps))).toMatchObject({ code: "forbidden:guest" });
    expect(await rejection(editIssue(h.db, guest.ctx, issue.id, { assignee: null }, deps))).toMatchObject({ code: "forbidden:guest" });
    expect(await sessionsOf(guest.ctx, issue.id)).toEqual([]);
  });
});

describe("assigning an issue to a person", () => {
  it("assigns a workspace member, and refuses someone who is not one", async () => {
    const { issue, member, guest, adminCtx } = await fixture();
    await editIssue(h.db, adminCtx, issue.id, { assignee: { type: "user", user_id: member.user.id } }, deps);
    expect(await assigneeOf(adminCtx)).toMatchObject({ kind: "user", userId: member.user.id, name: "member" });
    await editIssue(h.db, adminCtx, issue.id, { assignee: { type: "user", user_id: guest.user.id } }, deps);
    const stranger = await makeUser(h.db, "Stranger");
    expect(await rejection(editIssue(h.db, adminCtx, issue.id, { assignee: { type: "user", user_id: stranger.id } }, deps))).toMatchObject({
      code: "bad_request:assignee",
      field: "assignee.user_id",
    });
    expect(await assigneeOf(adminCtx)).toMatchObject({ userId: guest.user.id });
    expect(await sessionsOf(adminCtx, issue.id)).toEqual([]);
  });

  it("the assigned person hears of it in their inbox, and of state changes others make; never of their own", async () => {
    const { issue, member, adminCtx } = await fixture();
    await editIssue(h.db, adminCtx, issue.id, { assignee: { type: "user", user_id: member.user.id } }, deps);
    await editIssue(h.db, adminCtx, issue.id, { state: "in_progress" }, deps);
    await editIssue(h.db, member.ctx, issue.id, { state: "done" }, deps);
    await editIssue(h.db, adminCtx, issue.id, { title: "Login test fails on CI" }, deps);
    const inbox = await getInbox(h.db, member.ctx);
    expect(inbox.unread).toBe(2);
    expect(inbox.items.map((i) => i.kind)).toEqual(["assigned_issue", "assigned_issue"]);
    expect((await getInbox(h.db, adminCtx)).items).toEqual([]);
  });
});

describe("bad input is a 4xx naming the field, and writes nothing", () => {
  it.each([
    [{ assignee: { type: "robot" } }, "assignee.type"],
    [{ assignee: "claude" }, "assignee"],
    [{ assignee: { type: "user", user_id: "not-an-id" } }, "assignee.user_id"],
    [{ assignee: { type: "user" } }, "assignee.user_id"],
    [{ assignee: { type: "agent", provider_slug: "" } }, "assignee.provider_slug"],
    [{ assignee: { type: "agent", provider_slug: "claude\u0000" } }, "assignee.provider_slug"],
    [{ assignee: { type: "agent", provider_slug: 7 } }, "assignee.provider_slug"],
    [{ priority: "p0" }, "priority"],
    [{ labels: "bug" }, "labels"],
    [{ labels: ["nope"] }, "labels.0"],
    [{ labels: ["00000000-0000-4000-8000-000000000000"] }, "labels"],
    [{ cancel_session: "yes", assignee: null }, "cancel_session"],
  ])("%j → %s", async (input, field) => {
    const { issue, member } = await fixture();
    const err = await rejection(editIssue(h.db, member.ctx, issue.id, input, deps));
    expect(err).toBeInstanceOf(DispatchError);
    expect(err.status).toBeLessThan(500);
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(err.field).toBe(field);
    const counts = (await h.db.execute(sql`select (select count(*)::int from agent_sessions where issue_id = ${issue.id}) as s, (select count(*)::int from issue_assignments where issue_id = ${issue.id}) as a`)) as unknown as {
      rows: { s: number; a: number }[];
    };
    expect(counts.rows[0]).toEqual({ s: 0, a: 0 });
  });

  it("only cancel_session is nothing to change", async () => {
    const { issue, member } = await fixture();
    expect(await rejection(editIssue(h.db, member.ctx, issue.id, { cancel_session: true }, deps))).toMatchObject({ code: "bad_request:issue" });
  });
});

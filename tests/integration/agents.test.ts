import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { invokeFromRequest } from "@/lib/agents/invoke";
import { getAgentConfig, listAvailableProviders, updateAgentConfig } from "@/lib/agents/providers";
import { createSkill, editSkill, getSkillOrThrow, getSkills, removeSkill } from "@/lib/agents/skills";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { addComment, getComments } from "@/lib/comments/service";
import { DispatchError } from "@/lib/errors";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { BullSessionQueue } from "@/lib/queue/session-queue";
import { cancelSession, getSessionCard, getSessionCards, getSessionOrThrow, listSessions } from "@/lib/sessions/service";
import { transitionSession } from "@/lib/sessions/transitions";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const queueName = `test-sessions-${randomBytes(4).toString("hex")}`;

let h: DbHandle;
let queue: BullSessionQueue;
let inspect: Queue;
let redis: Redis;
const signal = new MemoryCancelSignal();

beforeAll(async () => {
  h = await openTestPostgres();
  queue = new BullSessionQueue(redisUrl, queueName);
  redis = new Redis(redisUrl);
  inspect = new Queue(queueName, { connection: redis });
});
afterAll(async () => {
  await inspect.close();
  await queue.destroy();
  redis.disconnect();
  await h.close();
});

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as DispatchError,
  );

async function connect(ctx: WorkspaceContext, slug: string, patch: Parameters<typeof upsertAgentConfig>[1]["patch"] = {}) {
  const provider = (await loadCatalog(h.db, ctx.workspace.id)).find((p) => p.slug === slug)!;
  await upsertAgentConfig(h.db, { workspaceId: ctx.workspace.id, providerId: provider.id, patch: { ...patch } });
  await connectForTest(h.db, { workspaceId: ctx.workspace.id, kind: provider.slug });
}

async function fixture(roles: ("member" | "guest")[] = ["member", "guest"]) {
  const f = await makeWorkspace(h.db, roles);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Tests fail", description: "The login test fails." });
  await connect(f.adminCtx, "claude");
  return { ...f, project, issue, member: f.members[0]?.ctx, guest: f.members[1]?.ctx };
}

const counts = async (workspaceId: string) => {
  const r = (await h.db.execute(
    sql`select (select count(*)::int from comments where workspace_id = ${workspaceId}) as comments, (select count(*)::int from agent_sessions where workspace_id = ${workspaceId}) as sessions`,
  )) as unknown as { rows: { comments: number; sessions: number }[] };
  return r.rows[0]!;
};

const say = (text: string) => ({ text });

describe("providers and config", () => {
  it("lists enabled providers and variants with this workspace's connection, never a token", async () => {
    const { adminCtx } = await fixture([]);
    const providers = await listAvailableProviders(h.db, adminCtx);
    expect(providers.map((p) => [p.slug, p.group, p.connected])).toEqual([
      ["claude", "Anthropic", true],
      ["gemini", "Google", false],
    ]);
    expect(providers[0]!.variants.map((v) => v.slug)).toEqual(["opus", "sonnet", "haiku"]);
    expect(JSON.stringify(providers)).not.toMatch(/token|ciphertext/i);
  });

  it("admins disable a variant and set limits; bounds are checked and name the field", async () => {
    const { adminCtx, member } = await fixture(["member"]);
    const after = await updateAgentConfig(h.db, adminCtx, {
      providers: [{ provider_slug: "claude", max_concurrent_sessions: 5, timeout_minutes: 30, variants: [{ slug: "haiku", enabled: false }] }],
    });
    const claude = after.find((p) => p.provider_slug === "claude")!;
    expect(claude).toMatchObject({ max_concurrent_sessions: 5, timeout_minutes: 30, connection_status: "connected" });
    expect(claude.variants.find((v) => v.slug === "haiku")?.enabled).toBe(false);
    expect((await listAvailableProviders(h.db, adminCtx))[0]!.variants.map((v) => v.slug)).toEqual(["opus", "sonnet"]);

    expect(await rejection(updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", timeout_minutes: 121 }] }))).toMatchObject({
      code: "bad_request:agent_config",
      field: "providers.0.timeout_minutes",
    });
    expect(await rejection(updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "nope" }] }))).toMatchObject({ field: "providers.0.provider_slug" });
    expect(await rejection(getAgentConfig(h.db, member!))).toMatchObject({ code: "forbidden:admin" });
  });
});

describe("skills", () => {
  it("admins create, edit and delete; members read; triggers are unique and never a provider's name", async () => {
    const { adminCtx, member, project } = await fixture(["member"]);
    const skill = await createSkill(h.db, adminCtx, { name: "Fix bug", trigger: "fix-bug", instructions: "Write a failing test first.", timeout_minutes: 20 });
    expect(skill).toMatchObject({ trigger: "fix-bug", mode: "autonomous", timeoutMinutes: 20, projectId: null, enabled: true });
    expect(await rejection(createSkill(h.db, adminCtx, { name: "Again", trigger: "fix-bug" }))).toMatchObject({ code: "conflict:skill_trigger", field: "trigger" });
    expect(await rejection(createSkill(h.db, adminCtx, { name: "C", trigger: "claude" }))).toMatchObject({ field: "trigger" });
    expect(await rejection(createSkill(h.db, adminCtx, { name: "C", trigger: "Bad Trigger" }))).toMatchObject({ field: "trigger" });
    expect(await rejection(createSkill(h.db, adminCtx, { name: "C", trigger: "c", default_provider: "claude-ultra" }))).toMatchObject({ field: "default_provider" });
    expect(await rejection(createSkill(h.db, adminCtx, { name: "C", trigger: "c", mode: "yolo" }))).toMatchObject({ field: "mode" });
    expect(await rejection(createSkill(h.db, member!, { name: "C", trigger: "c" }))).toMatchObject({ code: "forbidden:admin" });

    const other = await createProject(h.db, adminCtx, { name: "API", identifier: "API" });
    await createSkill(h.db, adminCtx, { name: "Web only", trigger: "web-only", project_id: project.id });
    await createSkill(h.db, adminCtx, { name: "API only", trigger: "api-only", project_id: other.id });
    expect((await getSkills(h.db, member!, project.id)).map((s) => s.trigger)).toEqual(["fix-bug", "web-only"]);
    expect((await getSkills(h.db, member!, null)).map((s) => s.trigger)).toEqual(["api-only", "fix-bug", "web-only"]);

    expect((await editSkill(h.db, adminCtx, skill.id, { mode: "comment_only" })).mode).toBe("comment_only");
    await removeSkill(h.db, adminCtx, skill.id);
    expect(await rejection(getSkillOrThrow(h.db, adminCtx, skill.id))).toMatchObject({ code: "not_found:skill" });
  });

  it("a skill of another workspace is not found", async () => {
    const one = await fixture([]);
    const two = await fixture([]);
    const skill = await createSkill(h.db, one.adminCtx, { name: "S", trigger: "s" });
    expect(await rejection(getSkillOrThrow(h.db, two.adminCtx, skill.id))).toMatchObject({ code: "not_found:skill" });
    expect(await rejection(editSkill(h.db, two.adminCtx, skill.id, { name: "x" }))).toMatchObject({ code: "not_found:skill" });
  });
});

describe("invoking agents from a comment", () => {
  it("writes the comment and a pending session, and queues one job whose id is the session id", async () => {
    const { adminCtx, member, issue } = await fixture(["member"]);
    await createSkill(h.db, adminCtx, { name: "Fix bug", trigger: "fix-bug", mode: "comment_only", timeout_minutes: 7 });
    const { comment, sessions } = await addComment(h.db, member!, issue, say("@claude-opus:fix-bug make the failing test pass"), { queue });
    expect(comment.bodyHtml).toContain("@claude-opus:fix-bug");
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      status: "pending",
      modelId: "claude-opus-4-6",
      mode: "comment_only",
      timeoutMinutes: 7,
      triggerCommentId: comment.id,
      prompt: "@claude-opus:fix-bug make the failing test pass",
    });
    const job = await inspect.getJob(sessions[0]!.id);
    expect(job?.id).toBe(sessions[0]!.id);
    expect(job?.data).toEqual({ sessionId: sessions[0]!.id });
  });

  it("uses the provider's default variant and the workspace timeout; the same agent twice starts one session", async () => {
    const { adminCtx, member, issue } = await fixture(["member"]);
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", timeout_minutes: 42 }] });
    const { sessions } = await addComment(h.db, member!, issue, say("@claude look, and you too @claude-sonnet. @alice FYI"), { queue });
    expect(sessions.map((s) => [s.modelId, s.timeoutMinutes])).toEqual([["claude-sonnet-4-6", 42]]);
  });

  it("starts the agents chosen in the mode bar along with those mentioned, in one comment", async () => {
    const { adminCtx, member, issue } = await fixture(["member"]);
    await createSkill(h.db, adminCtx, { name: "Review", trigger: "review", mode: "comment_only" });
    const { comment, sessions } = await addComment(
      h.db,
      member!,
      issue,
      { ...say("@claude-opus please look"), agents: [{ provider_slug: "claude", variant_slug: "haiku", skill_trigger: "review" }] },
      { queue },
    );
    expect(sessions.map((s) => [s.modelId, s.mode, s.triggerCommentId])).toEqual([
      ["claude-haiku-4-5", "comment_only", comment.id],
      ["claude-opus-4-6", "autonomous", comment.id],
    ]);
    const before = await counts(adminCtx.workspace.id);
    const err = await rejection(addComment(h.db, member!, issue, { ...say("hi"), agents: [{ provider_slug: "gemini", variant_slug: "pro" }] }, { queue }));
    expect(err).toMatchObject({ code: "conflict:provider_not_connected", field: "agents" });
    expect(await counts(adminCtx.workspace.id)).toEqual(before);
  });

  it("a comment that mentions only people is a plain comment", async () => {
    const { member, issue } = await fixture(["member"]);
    const { sessions } = await addComment(h.db, member!, issue, say("@alice can you check? mail ops@claude.dev"), { queue });
    expect(sessions).toEqual([]);
  });

  it.each([
    ["@claude-ultra fix it", "bad_request:agent", 'no variant "ultra"'],
    ["@claude:nope fix it", "bad_request:agent", 'Unknown skill "nope"'],
    ["@gemini review", "conflict:provider_not_connected", "Gemini is not connected"],
    ["@claude-haiku quick", "bad_request:agent", "Claude Haiku is disabled"],
    ["@claude-opus ok @gemini-flash no", "conflict:provider_not_connected", "@gemini-flash"],
  ])("%j is refused with %s and nothing is written", async (text, code, message) => {
    const { adminCtx, member, issue } = await fixture(["member"]);
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", variants: [{ slug: "haiku", enabled: false }] }] });
    const before = await counts(adminCtx.workspace.id);
    const err = await rejection(addComment(h.db, member!, issue, say(text), { queue }));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
    expect(err.field).toBe("agents");
    expect(await counts(adminCtx.workspace.id)).toEqual(before);
  });

  it("guests cannot invoke", async () => {
    const { guest, issue } = await fixture();
    expect(await rejection(addComment(h.db, guest!, issue, say("@claude hi"), { queue }))).toMatchObject({ code: "forbidden:guest" });
  });

  it("set to refuse when full: admits exactly max_concurrent_sessions of 50 parallel invokes; the rest get a 429 naming the limit", async () => {
    const { member, issue, project, adminCtx } = await fixture(["member"]);
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", when_full: "refuse" }] });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        invokeFromRequest(h.db, member!, { project_id: project.id, issue_id: issue.id, comment_text: `attempt ${i}`, agents: [{ provider_slug: "claude" }] }, queue),
      ),
    );
    const admitted = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as DispatchError);
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(47);
    for (const err of refused) {
      expect(err.code).toBe("rate_limit:concurrency");
      expect(err.status).toBe(429);
      expect(err.message).toContain("limit 3");
    }
    expect(await counts(adminCtx.workspace.id)).toEqual({ comments: 3, sessions: 3 });
  });

  it("set to refuse when full: a finished session frees its slot", async () => {
    const { member, issue, adminCtx } = await fixture(["member"]);
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", max_concurrent_sessions: 1, when_full: "refuse" }] });
    const first = (await addComment(h.db, member!, issue, say("@claude one"), { queue })).sessions[0]!;
    expect(await rejection(addComment(h.db, member!, issue, say("@claude two"), { queue }))).toMatchObject({ code: "rate_limit:concurrency" });
    await cancelSession(h.db, member!, first.id, { queue, signal });
    expect((await addComment(h.db, member!, issue, say("@claude two"), { queue })).sessions).toHaveLength(1);
  });

  it("invokes on an existing comment and rejects an issue of another project", async () => {
    const { member, issue, project, adminCtx } = await fixture(["member"]);
    const { comment } = await addComment(h.db, member!, issue, say("please fix this"), { queue });
    const { sessions } = await invokeFromRequest(h.db, member!, { project_id: project.id, issue_id: issue.id, comment_id: comment.id, agents: [{ provider_slug: "claude", variant_slug: "opus" }] }, queue);
    expect(sessions[0]).toMatchObject({ triggerCommentId: comment.id, prompt: "please fix this", modelId: "claude-opus-4-6" });
    expect(await getComments(h.db, member!, issue.id)).toHaveLength(1);

    const other = await createProject(h.db, adminCtx, { name: "API", identifier: "API" });
    expect(await rejection(invokeFromRequest(h.db, member!, { project_id: other.id, issue_id: issue.id, comment_text: "@claude x" }, queue))).toMatchObject({ code: "not_found:issue" });
    expect(await rejection(invokeFromRequest(h.db, member!, { project_id: project.id, issue_id: issue.id, agents: [] }, queue))).toMatchObject({ field: "comment_text" });
    expect(await rejection(invokeFromRequest(h.db, member!, { project_id: project.id, issue_id: issue.id, comment_text: "no agent here" }, queue))).toMatchObject({
      code: "bad_request:agent",
    });
  });
});

describe("sessions", () => {
  it("lists the agents of one comment in the order they were mentioned (API list and cards)", async () => {
    const { member, issue } = await fixture(["member"]);
    // Sessions of one comment share created_at; several comments make a lucky id order unlikely.
    const orders = [["opus", "sonnet", "haiku"], ["haiku", "opus", "sonnet"], ["sonnet", "haiku", "opus"]];
    for (const o of orders) await addComment(h.db, member!, issue, say(o.map((v) => `@claude-${v}`).join(" ") + " look"), { queue });
    const expected = orders.flat().map((v) => `claude-${v}`);
    expect((await listSessions(h.db, member!, issue.id)).map((s) => s.modelId.replace(/-\d.*$/, ""))).toEqual(expected);
    const cards = await getSessionCards(h.db, member!, issue.id);
    expect(cards.map((c) => c.model.replace(/-\d.*$/, ""))).toEqual(expected);
    expect(cards.map((c) => c.mentionIndex)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it("members cancel an active session; cancelling again is a 409 naming its status; its job is gone", async () => {
    const { member, guest, issue } = await fixture();
    const s = (await addComment(h.db, member!, issue, say("@claude go"), { queue })).sessions[0]!;
    expect(await rejection(cancelSession(h.db, guest!, s.id, { queue, signal }))).toMatchObject({ code: "forbidden:guest" });
    const cancelled: string[] = [];
    const unsubscribe = await signal.subscribe((id) => cancelled.push(id));
    const after = await cancelSession(h.db, member!, s.id, { queue, signal });
    await unsubscribe();
    expect(after.status).toBe("cancelled");
    expect(after.finishedAt).toBeInstanceOf(Date);
    expect(cancelled).toEqual([s.id]);
    expect(await inspect.getJob(s.id)).toBeUndefined();
    const again = await rejection(cancelSession(h.db, member!, s.id, { queue, signal }));
    expect(again).toMatchObject({ code: "conflict:session_finished", status: 409 });
    expect(again.message).toContain("cancelled");
  });

  it("session cards name provider, variant and skill, carry the agent's answer comment, and stay in their workspace", async () => {
    const one = await fixture(["member"]);
    const two = await fixture(["member"]);
    await createSkill(h.db, one.adminCtx, { name: "Explain", trigger: "explain" });
    const s = (await addComment(h.db, one.member!, one.issue, say("@claude-opus:explain go"), { queue })).sessions[0]!;
    await transitionSession(h.db, s.id, "provisioning");
    await transitionSession(h.db, s.id, "running");
    await transitionSession(h.db, s.id, "completed", { answer: "It is 42." }, { comment: { bodyJson: {}, bodyHtml: "<p>It is 42.</p>" } });
    const card = await getSessionCard(h.db, one.member!, s.id);
    expect(card).toMatchObject({
      id: s.id,
      triggerCommentId: s.triggerCommentId,
      provider: { slug: "claude", name: "Claude", group: "Anthropic" },
      variant: { slug: "opus", name: "Claude Opus" },
      skill: { trigger: "explain", name: "Explain" },
      status: "completed",
      answerHtml: "<p>It is 42.</p>",
    });
    expect(JSON.stringify(card)).not.toContain("explain go"); // the prompt stays on the server
    expect((await getSessionCards(h.db, one.member!, one.issue.id)).map((c) => c.id)).toEqual([s.id]);
    expect(await getSessionCards(h.db, two.member!, one.issue.id)).toEqual([]);
    expect(await rejection(getSessionCard(h.db, two.member!, s.id))).toMatchObject({ code: "not_found:session" });
  });

  it("lists an issue's sessions and hides another workspace's", async () => {
    const one = await fixture(["member"]);
    const two = await fixture(["member"]);
    const s = (await addComment(h.db, one.member!, one.issue, say("@claude go"), { queue })).sessions[0]!;
    expect((await listSessions(h.db, one.member!, one.issue.id)).map((x) => x.id)).toEqual([s.id]);
    // Another workspace's issue is not an empty list but a 404, like any other id of theirs.
    expect(await rejection(listSessions(h.db, two.member!, one.issue.id))).toMatchObject({ code: "not_found:issue", field: "issue_id" });
    expect(await rejection(getSessionOrThrow(h.db, two.member!, s.id))).toMatchObject({ code: "not_found:session" });
    expect(await rejection(cancelSession(h.db, two.member!, s.id, { queue, signal }))).toMatchObject({ code: "not_found:session" });
    expect(await rejection(listSessions(h.db, one.member!, null))).toMatchObject({ field: "issue_id" });
  });

  it("cancel racing completion ends in exactly one terminal state, 100 times out of 100", async () => {
    const { member, issue, adminCtx } = await fixture(["member"]);
    await updateAgentConfig(h.db, adminCtx, { providers: [{ provider_slug: "claude", max_concurrent_sessions: 100 }] });
    for (let i = 0; i < 100; i++) {
      const s = (await addComment(h.db, member!, issue, say(`@claude run ${i}`), { queue })).sessions[0]!;
      await transitionSession(h.db, s.id, "provisioning");
      await transitionSession(h.db, s.id, "running");
      await transitionSession(h.db, s.id, "streaming");
      const [cancel, complete] = await Promise.allSettled([
        cancelSession(h.db, member!, s.id, { queue, signal }),
        transitionSession(h.db, s.id, "completed", { answer: "done" }),
      ]);
      const cancelWon = cancel.status === "fulfilled";
      const completeWon = complete.status === "fulfilled" && complete.value !== undefined;
      expect(cancelWon !== completeWon, `run ${i}`).toBe(true);
      const final = await getSessionOrThrow(h.db, member!, s.id);
      expect(final.status).toBe(cancelWon ? "cancelled" : "completed");
      // Terminal states never change again.
      expect(await transitionSession(h.db, s.id, "failed")).toBeUndefined();
      expect(await transitionSession(h.db, s.id, "streaming")).toBeUndefined();
    }
  }, 120_000);
});

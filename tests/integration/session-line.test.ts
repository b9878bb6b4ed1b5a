import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { listEventsAfter, toSequenced } from "@/db/queries/session-events";
import { insertCommentAndSessions } from "@/db/queries/sessions";
import { invokeFromRequest } from "@/lib/agents/invoke";
import { recoverLine } from "@/lib/sessions/admission";
import { connectWithToken } from "@/lib/connections/service";
import { updateAgentConfig } from "@/lib/agents/providers";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus, type MemoryLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import type { LiveEntry } from "@/lib/live/entries";
import { createProject } from "@/lib/projects/service";
import { getSessionQueue, MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent } from "@/lib/sessions/events";
import { cancelSession, getSessionOrThrow } from "@/lib/sessions/service";
import { ACTIVE_STATUSES, isTerminal } from "@/lib/sessions/status";
import { transitionSession } from "@/lib/sessions/transitions";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

// Real PostgreSQL; the in-process queue and bus (admission and transitions are database work).
let h: DbHandle;
beforeAll(async () => {
  h = await openTestPostgres();
});
afterAll(async () => h.close());

async function fixture(limit: number) {
  const f = await makeWorkspace(h.db, ["member"]);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Line" });
  const claude = (await loadCatalog(h.db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(h.db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: limit } });
  await connectForTest(h.db, { workspaceId: f.ws.id, kind: claude.slug });
  return { ...f, project, issue, member: f.members[0]!.ctx };
}

const log = async (id: string): Promise<SequencedEvent[]> => (await listEventsAfter(h.db, { sessionId: id, afterSeq: 0 })).map(toSequenced);
const statuses = (evs: SequencedEvent[]) => evs.flatMap((e) => (e.type === "status" ? [e.status] : []));

async function holdingSlots(workspaceId: string): Promise<number> {
  const r = (await h.db.execute(
    sql`select count(*)::int as n from agent_sessions where workspace_id = ${workspaceId} and admitted_at is not null and status in ${sql.raw(`(${ACTIVE_STATUSES.map((s) => `'${s}'`).join(",")})`)}`,
  )) as unknown as { rows: { n: number }[] };
  return r.rows[0]!.n;
}

describe("a visible line instead of refusals", () => {
  it("50 parallel invokes at limit 3: all accepted, never more than 3 at once, first in first out, all finish, none twice", async () => {
    const f = await fixture(3);
    const queue = new MemorySessionQueue();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        invokeFromRequest(h.db, f.member, { project_id: f.project.id, issue_id: f.issue.id, comment_text: `@claude attempt ${i}` }, queue),
      ),
    );
    const ids = results.map((r) => r.sessions[0]!.id);
    // The line: in the order the sessions joined it (parallel invokes commit in any order).
    const byCreation = (
      (await h.db.execute(sql`select id from agent_sessions where workspace_id = ${f.ws.id} order by queued_at, id`)) as unknown as { rows: { id: string }[] }
    ).rows.map((r) => r.id);
    expect(new Set(byCreation)).toEqual(new Set(ids));
    expect(await holdingSlots(f.ws.id)).toBe(3);
    expect(new Set(queue.waitingIds())).toEqual(new Set(byCreation.slice(0, 3)));

    // Every waiting card says where it stands, in words.
    const fourth = (await log(byCreation[3]!)).filter((e) => e.type === "status").at(-1);
    expect(fourth).toMatchObject({ status: "queued", position: 1, message: "1st in line: 3 of 3 Claude runs busy" });
    const fifth = (await log(byCreation[4]!)).filter((e) => e.type === "status").at(-1);
    expect(fifth).toMatchObject({ position: 2, message: "2nd in line: 3 of 3 Claude runs busy" });
    expect((await log(byCreation[0]!)).at(-1)).toMatchObject({ status: "queued", message: "Waiting for a free worker" });

    // Workers (here: two loops) run whatever has a job; a sampler checks the limit all along.
    let maxHeld = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxHeld = Math.max(maxHeld, await holdingSlots(f.ws.id));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const started: string[] = [];
    queue.process(async ({ sessionId }) => {
      if (!(await transitionSession(h.db, sessionId, "provisioning", { workerId: "w" }, { queue }))) return;
      started.push(sessionId);
      await transitionSession(h.db, sessionId, "running", {}, { queue });
      await new Promise((r) => setTimeout(r, 5));
      await transitionSession(h.db, sessionId, "completed", { answer: "ok" }, { queue });
    });
    const end = Date.now() + 60_000;
    while ((await Promise.all(ids.map((id) => getSessionOrThrow(h.db, f.adminCtx, id)))).some((s) => !isTerminal(s.status))) {
      if (Date.now() > end) throw new Error("the line did not drain");
      await new Promise((r) => setTimeout(r, 20));
    }
    sampling = false;
    await sampler;
    expect(maxHeld).toBe(3);
    expect(new Set(started)).toEqual(new Set(byCreation));
    // First in, first out: slots went out in the order the sessions joined the line.
    const admitted = (
      (await h.db.execute(sql`select admitted_at from agent_sessions where workspace_id = ${f.ws.id} order by queued_at, id`)) as unknown as { rows: { admitted_at: string }[] }
    ).rows.map((r) => new Date(r.admitted_at).getTime());
    expect(admitted).toEqual([...admitted].sort((x, y) => x - y));
    for (const id of ids) {
      const evs = await log(id);
      expect(statuses(evs).filter((s) => s === "provisioning")).toHaveLength(1); // none twice
      expect(evs.at(-1)).toMatchObject({ type: "done", status: "completed" });
    }
  }, 120_000);

  it("a queued session can be cancelled; the line moves up; raising the limit starts the next at once", async () => {
    const f = await fixture(1);
    // The process's queue: the settings change admits through it.
    const queue = getSessionQueue() as MemorySessionQueue;
    const say = (text: string) => addComment(h.db, f.member, f.issue, { text }, { queue });
    const [a, b, c] = [(await say("@claude a")).sessions[0]!, (await say("@claude b")).sessions[0]!, (await say("@claude c")).sessions[0]!];
    expect((await log(c.id)).at(-1)).toMatchObject({ position: 2 });
    await cancelSession(h.db, f.member, b.id, { queue, signal: new MemoryCancelSignal() });
    expect(statuses(await log(b.id))).toEqual(["queued", "cancelled"]);
    // The cancel freed no slot (b had none): c still waits behind a.
    expect(queue.waitingIds()).toEqual([a.id]);
    await updateAgentConfig(h.db, f.adminCtx, { providers: [{ provider_slug: "claude", max_concurrent_sessions: 2 }] });
    expect(queue.waitingIds()).toEqual([a.id, c.id]);
    expect((await log(c.id)).at(-1)).toMatchObject({ status: "queued", message: "Waiting for a free worker" });
  });
});

describe("the line lives in the database", () => {
  it("a restarted process's empty queue gets every admitted session's job back, and unplaced sessions their place", async () => {
    const f = await fixture(2);
    const before = new MemorySessionQueue();
    const ids = [];
    for (const t of ["one", "two", "three"]) ids.push((await addComment(h.db, f.member, f.issue, { text: `@claude ${t}` }, { queue: before })).sessions[0]!.id);
    expect(before.waitingIds()).toEqual(ids.slice(0, 2));
    // Written but never placed: the process stopped between the commit and the admission.
    const lost = await insertCommentAndSessions(h.db, {
      workspaceId: f.ws.id,
      comment: { issueId: f.issue.id, authorUserId: f.member.userId, bodyJson: { type: "doc" }, bodyHtml: "<p>@claude lost</p>" },
      sessions: [(({ workspaceId, projectId, issueId, providerId, variantId, modelId, mode, requestedBy, timeoutMinutes }) => ({ workspaceId, projectId, issueId, providerId, variantId, modelId, mode, requestedBy, timeoutMinutes, prompt: "lost" }))(await getSessionOrThrow(h.db, f.adminCtx, ids[0]!))],
      activeStatuses: ACTIVE_STATUSES,
    });
    expect(lost.ok).toBe(true);
    const lostId = lost.ok ? lost.sessions[0]!.id : "";
    expect((await getSessionOrThrow(h.db, f.adminCtx, lostId)).status).toBe("pending");

    const after = new MemorySessionQueue(); // the restart: nothing in memory
    const r = await recoverLine(h.db, { queue: after });
    expect(after.waitingIds()).toEqual(expect.arrayContaining(ids.slice(0, 2)));
    expect(after.waitingIds()).not.toContain(ids[2]);
    expect(r.placed).toBe(0);
    expect((await getSessionOrThrow(h.db, f.adminCtx, lostId)).status).toBe("queued");
    expect((await log(lostId)).at(-1)).toMatchObject({ position: 2 });
    // Running it again changes nothing.
    await recoverLine(h.db, { queue: after });
    expect(new Set(after.waitingIds()).size).toBe(after.waitingIds().length);
  });
});

describe("a provider that needs reconnecting", () => {
  it("keeps mentions in line saying so, and starts them when an admin reconnects it", async () => {
    const f = await fixture(3);
    const queue = getSessionQueue() as MemorySessionQueue;
    const claude = (await loadCatalog(h.db, f.ws.id)).find((p) => p.slug === "claude")!;
    await connectForTest(h.db, { workspaceId: f.ws.id, kind: claude.slug, status: "needs_reconnect" });
    const { sessions } = await addComment(h.db, f.member, f.issue, { text: "@claude while it is broken" }, { queue });
    const id = sessions[0]!.id;
    expect((await log(id)).at(-1)).toMatchObject({ status: "queued", message: "Claude needs reconnecting — an admin can fix it in Settings → Agents" });
    expect(queue.waitingIds()).not.toContain(id);
    // Refusing when full also refuses a broken connection, as before.
    await updateAgentConfig(h.db, f.adminCtx, { providers: [{ provider_slug: "claude", when_full: "refuse" }] });
    await expect(addComment(h.db, f.member, f.issue, { text: "@claude refused" }, { queue })).rejects.toMatchObject({ code: "conflict:provider_not_connected" });
    await updateAgentConfig(h.db, f.adminCtx, { providers: [{ provider_slug: "claude", when_full: "queue" }] });

    await connectWithToken(h.db, f.adminCtx, "claude", { token: `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA` });
    expect(queue.waitingIds()).toContain(id);
    expect((await log(id)).at(-1)).toMatchObject({ status: "queued", message: "Waiting for a free worker" });
  });
});

describe("every lifecycle change is an event", () => {
  it("replaying a session's log from 0 gives the row's status; done comes after the agent's comment is written", async () => {
    const f = await fixture(5);
    const queue = new MemorySessionQueue();
    const bus = getLiveBus() as MemoryLiveBus;
    const { sessions } = await addComment(h.db, f.member, f.issue, { text: "@claude go" }, { queue });
    const id = sessions[0]!.id;
    let commentAtDone: unknown = "not seen";
    const onEntry = (e: LiveEntry) => {
      if (e.kind === "session" && e.sessionId === id && e.events.some((x) => x.type === "done")) {
        commentAtDone = h.db.execute(sql`select count(*)::int as n from comments where author_session_id = ${id}`);
      }
    };
    bus.emitter.on("entry", onEntry);
    await transitionSession(h.db, id, "provisioning", {}, { queue });
    await transitionSession(h.db, id, "running", {}, { queue });
    await transitionSession(h.db, id, "completed", { answer: "Done." }, { queue, comment: { bodyJson: { type: "doc" }, bodyHtml: "<p>Done.</p>" } });
    bus.emitter.off("entry", onEntry);
    expect(((await commentAtDone) as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
    const evs = await log(id);
    const row = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(statuses(evs).at(-1)).toBe(row.status);
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1));
    expect(evs.at(-1)).toMatchObject({ type: "done", status: "completed", answer: "Done." });
    // A losing transition writes nothing.
    expect(await transitionSession(h.db, id, "cancelled", {}, { queue })).toBeUndefined();
    expect(await log(id)).toHaveLength(evs.length);
  });
});

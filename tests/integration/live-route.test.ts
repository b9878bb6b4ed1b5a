import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// Its own live stream on the shared Redis, so parallel test files do not see each other's entries.
process.env.DISPATCH_LIVE_STREAM = `test-live-${randomBytes(4).toString("hex")}`;
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { Redis } from "ioredis";
import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { loadWatchedIssues } from "@/db/queries/issues";
import { appendSessionEvents } from "@/db/queries/session-events";
import { getLiveBus } from "@/lib/bus/session-events";
import { getLiveHub } from "@/lib/bus/live-hub";
import { addComment, deleteComment, editComment } from "@/lib/comments/service";
import { createIssue, editIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import * as liveRoute from "@/app/api/workspaces/[slug]/live/route";
import { readSseFrames } from "../support/sse-frames";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";

type Frame = { event: string; id: string | null; data: Record<string, unknown> };
type Client = { frames: Frame[]; ended: Promise<void>; abort: () => void; status: number };

let slug: string;
let adminCtx: WorkspaceContext;
let guestCookie: string;
let outsiderCookie: string;
let issue: { id: string; projectId: string };
let otherIssue: { id: string };
const queue = new MemorySessionQueue();

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const f = await makeWorkspace(db, ["guest"]);
  slug = f.ws.slug;
  adminCtx = f.adminCtx;
  guestCookie = await cookieFor(f.members[0]!.user.id);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  issue = await createIssue(db, f.adminCtx, project, { title: "Live" });
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 50 } });
  await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
  const other = await makeWorkspace(db);
  outsiderCookie = await cookieFor(other.admin.id);
  otherIssue = await createIssue(db, other.adminCtx, await createProject(db, other.adminCtx, { name: "Other", identifier: "OTH" }), { title: "Not yours" });
});

afterAll(async () => {
  getLiveHub().close();
  const r = new Redis(process.env.REDIS_URL!);
  await r.del(process.env.DISPATCH_LIVE_STREAM!);
  r.disconnect();
  await getLiveBus().close();
  await getDbHandle().close();
});

async function connect(query: string, cookie = guestCookie): Promise<Client> {
  const ac = new AbortController();
  const req = new Request(`http://localhost/api/x?${query}`, { headers: { cookie }, signal: ac.signal });
  const res = await liveRoute.GET(req, { params: Promise.resolve({ slug }) });
  const frames: Frame[] = [];
  const ended = readSseFrames(res.body!, (f) => f.event && frames.push({ event: f.event, id: f.id, data: JSON.parse(f.data) as Record<string, unknown> }));
  return { frames, ended, abort: () => ac.abort(), status: res.status };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** As the worker: the log first (which numbers the events), then the live stream. */
async function publish(id: string, events: SessionEvent[]) {
  const stored = (await appendSessionEvents(getDbHandle().db, id, events))!;
  await getLiveBus().publish([{ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id, events: stored.events }]);
  return stored.events.map((e) => e.seq);
}
const texts = (n: number, prefix: string) => Array.from({ length: n }, (_, i): SessionEvent => ({ type: "text", text: `${prefix}${i}` }));
const sessionSeqs = (c: Client, id: string) => c.frames.filter((f) => f.event === "session" && f.data.sessionId === id).map((f) => (f.data.event as { seq: number }).seq);

describe("GET /api/workspaces/{slug}/live", () => {
  it("checks every topic: another workspace's issue is a 404, a non-member a 404, bad parameters a 400 naming them", async () => {
    const cases: [string, string, number, string | undefined][] = [
      [`issue=${otherIssue.id}`, guestCookie, 404, "issue"],
      [`issue=${issue.id}`, outsiderCookie, 404, undefined],
      ["issue=not-an-id", guestCookie, 400, "issue"],
      [`issue=${issue.id}@-1`, guestCookie, 400, "issue"],
      [`issue=${issue.id}&session=${issue.id}@x`, guestCookie, 400, "session"],
      ["agents=yes", guestCookie, 400, "agents"],
      ["", guestCookie, 400, "issue"],
      [Array.from({ length: 21 }, () => `issue=${issue.id}`).join("&"), guestCookie, 400, "issue"],
    ];
    for (const [query, cookie, status, field] of cases) {
      const res = await call(liveRoute.GET, cookie, { slug }, { query: `?${query}` });
      expect(res.status, query.slice(0, 60)).toBe(status);
      if (field) expect(res.body!.error.field, query.slice(0, 60)).toBe(field);
    }
  });

  it("carries a guest everything of the issue on one connection: new comments, edits, deletions, new sessions and their events, issue changes", async () => {
    const db = getDbHandle().db;
    const c = await connect(`issue=${issue.id}`);
    expect(c.status).toBe(200);
    await until(() => c.frames.some((f) => f.event === "ready"));
    const { comment } = await addComment(db, adminCtx, issue, { text: "Hello team" }, { queue });
    await editComment(db, adminCtx, comment.id, { text: "Hello, team" });
    const { sessions } = await addComment(db, adminCtx, issue, { text: "@claude go" }, { queue });
    const id = sessions[0]!.id;
    await transitionSession(db, id, "provisioning", {}, { queue });
    await transitionSession(db, id, "running", {}, { queue });
    await publish(id, texts(3, "w"));
    await deleteComment(db, adminCtx, comment.id);
    await editIssue(db, adminCtx, issue.id, { state: "in_progress" });
    await until(() => c.frames.filter((f) => f.event === "activity").length === 6);
    const activity = c.frames.filter((f) => f.event === "activity").map((f) => f.data);
    expect(activity.map((a) => a.type)).toEqual(["comment.created", "comment.updated", "comment.created", "session.created", "comment.deleted", "issue.updated"]);
    expect(activity.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6].map((n) => n + (activity[0]!.seq as number) - 1));
    expect(activity[1]!.data).toMatchObject({ id: comment.id, bodyHtml: "<p>Hello, team</p>" });
    expect(activity[3]!.data).toMatchObject({ id, status: expect.any(String), provider: { slug: "claude" } });
    expect(activity[5]!.data).toMatchObject({ state: "in_progress" });
    await until(() => sessionSeqs(c, id).length >= 6);
    const seqs = sessionSeqs(c, id);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    c.abort();
    await c.ended;
  });

  it("resumes every topic from its cursor: nothing lost, nothing repeated", async () => {
    const db = getDbHandle().db;
    const { sessions } = await addComment(db, adminCtx, issue, { text: "@claude resume" }, { queue });
    const id = sessions[0]!.id;
    const first = await connect(`issue=${issue.id}`);
    await until(() => first.frames.some((f) => f.event === "ready"));
    await publish(id, texts(5, "a"));
    await until(() => sessionSeqs(first, id).includes(6));
    // The issue's cursor: where its activity stood when this client stopped listening.
    const [watched] = await loadWatchedIssues(db, { workspaceId: adminCtx.workspace.id, ids: [issue.id] });
    const had = Math.max(...sessionSeqs(first, id));
    first.abort();
    await first.ended;

    // While disconnected: more events and a comment.
    const more = await publish(id, texts(4, "b"));
    await addComment(db, adminCtx, issue, { text: "While you were away" }, { queue });
    const second = await connect(`issue=${issue.id}@${watched!.activitySeq}&session=${id}@${had}`);
    await until(() => second.frames.some((f) => f.event === "ready"));
    expect(sessionSeqs(second, id)).toEqual(Array.from({ length: more.at(-1)! - had }, (_, i) => had + 1 + i));
    const missed = second.frames.filter((f) => f.event === "activity");
    expect(missed.map((f) => f.data.type)).toEqual(["comment.created"]);
    expect(missed[0]!.data.data).toMatchObject({ bodyHtml: "<p>While you were away</p>" });
    second.abort();
    await second.ended;
  });

  it("agents=1 follows every session of the workspace with its board row", async () => {
    const db = getDbHandle().db;
    const c = await connect("agents=1");
    await until(() => c.frames.some((f) => f.event === "ready"));
    const { sessions } = await addComment(db, adminCtx, issue, { text: "@claude board" }, { queue });
    const id = sessions[0]!.id;
    await transitionSession(db, id, "cancelled", { errorMessage: "Stopped." }, { queue });
    await until(() => c.frames.filter((f) => f.event === "agents" && f.data.sessionId === id).length >= 2);
    const rows = c.frames.filter((f) => f.event === "agents" && f.data.sessionId === id).map((f) => f.data);
    expect(rows.at(-1)).toMatchObject({ status: "cancelled", row: { id, status: "cancelled", issue: { key: "WEB-1" } } });
    // No session text goes to the Agents page.
    expect(c.frames.some((f) => f.event === "session")).toBe(false);
    c.abort();
    await c.ended;
  });
});

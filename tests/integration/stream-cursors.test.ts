import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { appendSessionEvents } from "@/db/queries/session-events";
import { getLiveBus } from "@/lib/bus/session-events";
import { getLiveHub } from "@/lib/bus/live-hub";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";
import { getSession } from "@/db/queries/sessions";
import * as streamRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/stream/route";
import * as liveRoute from "@/app/api/workspaces/[slug]/live/route";
import { readSseFrames, type SseFrame } from "../support/sse-frames";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";
import { captureLogLines } from "@/lib/observability/log";

let slug: string;
let workspaceId: string;
let cookie: string;
let issue: { id: string; projectId: string };
let makeSession: () => Promise<string>;
let errors: unknown[][];
const consoleError = console.error;

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const f = await makeWorkspace(db, ["guest"]);
  slug = f.ws.slug;
  workspaceId = f.ws.id;
  cookie = await cookieFor(f.members[0]!.user.id);
  issue = await createIssue(db, f.adminCtx, await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" }), { title: "Cursors" });
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 50 } });
  await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
  makeSession = async () => (await addComment(db, f.adminCtx, issue, { text: "@claude go" }, { queue: new MemorySessionQueue() })).sessions[0]!.id;
});
afterAll(async () => {
  getLiveHub().close();
  await getDbHandle().close();
});
// A stream that fails logs "[live] stream failed" and drops the connection: none may.
let stopCapture = () => {};
beforeEach(() => {
  errors = [];
  console.error = (...args: unknown[]) => errors.push(args);
  const lines: string[] = [];
  const stop = captureLogLines(lines);
  stopCapture = () => {
    stop();
    errors.push(...lines.filter((l) => /"level":"(error|fatal)"/.test(l)).map((l) => [l]));
  };
});
afterEach(() => {
  console.error = consoleError;
  stopCapture();
  expect(errors).toEqual([]);
});

async function publish(id: string, events: SessionEvent[]): Promise<number[]> {
  const stored = (await appendSessionEvents(getDbHandle().db, id, events))!;
  await getLiveBus().publish([{ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id, events: stored.events }]);
  return stored.events.map((e) => e.seq);
}
const texts = (n: number) => Array.from({ length: n }, (_, i): SessionEvent => ({ type: "text", text: `t${i}` }));

type Client = { frames: SseFrame[]; ended: Promise<void>; isEnded: () => boolean; abort: () => void; status: number };

async function open(handler: unknown, params: Record<string, string>, init: { query?: string; headers?: Record<string, string> } = {}): Promise<Client> {
  const ac = new AbortController();
  const req = new Request(`http://localhost/api/x${init.query ?? ""}`, { headers: { cookie, ...init.headers }, signal: ac.signal });
  const res = await (handler as (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(req, { params: Promise.resolve(params) });
  const frames: SseFrame[] = [];
  let done = false;
  const ended = readSseFrames(res.body!, (f) => frames.push(f)).then(() => void (done = true));
  return { frames, ended, isEnded: () => done, abort: () => ac.abort(), status: res.status };
}

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};
const seqOf = (f: SseFrame) => (JSON.parse(f.data) as { seq: number }).seq;

describe("Last-Event-ID on the per-session stream", () => {
  it("beyond the end (or past any number) is read as now: the stream stays open and carries the next event", async () => {
    for (const cursor of ["99999999999", "9".repeat(40)]) {
      const id = await makeSession();
      const [last] = (await publish(id, texts(3))).slice(-1);
      const c = await open(streamRoute.GET, { slug, id }, { headers: { "last-event-id": cursor } });
      expect(c.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(c.isEnded(), cursor).toBe(false);
      await publish(id, texts(1));
      await until(() => c.frames.length === 1);
      expect(c.frames.map(seqOf)).toEqual([last! + 1]);
      c.abort();
      await c.ended;
    }
  });

  it("of a finished session at or beyond its end: the stream ends at once, with nothing to send", async () => {
    const id = await makeSession();
    await publish(id, texts(2));
    await transitionSession(getDbHandle().db, id, "cancelled", { errorMessage: "Cancelled by a member." }); // writes status and done
    const done = (await getSession(getDbHandle().db, { workspaceId, id }))!.eventSeq;
    for (const cursor of [String(done), "99999999999"]) {
      const c = await open(streamRoute.GET, { slug, id }, { headers: { "last-event-id": cursor } });
      await until(() => c.isEnded());
      expect(c.frames).toEqual([]);
    }
  });

  it("not a count of events is a 400 naming the header (or the query parameter)", async () => {
    const id = await makeSession();
    for (const bad of ["abc", "-1", "1.5", "1e3", "0x10", " 1 2"]) {
      const res = await call(streamRoute.GET, cookie, { slug, id }, { headers: { "last-event-id": bad } });
      expect(res, bad).toMatchObject({ status: 400, body: { error: { code: "bad_request:last_event_id", field: "Last-Event-ID" } } });
    }
    const res = await call(streamRoute.GET, cookie, { slug, id }, { query: "?last_event_id=-5" });
    expect(res).toMatchObject({ status: 400, body: { error: { field: "last_event_id" } } });
  });
});

describe("cursors of the live route", () => {
  it("a session cursor beyond the end is read as now: the connection stays and carries the session's next event", async () => {
    const id = await makeSession();
    const [last] = (await publish(id, texts(2))).slice(-1);
    const c = await open(liveRoute.GET, { slug }, { query: `?issue=${issue.id}&session=${id}@99999999999` });
    await until(() => c.frames.some((f) => f.event === "ready"));
    await publish(id, texts(1));
    const mine = () => c.frames.filter((f) => f.event === "session").map((f) => JSON.parse(f.data) as { sessionId: string; event: { seq: number } }).filter((s) => s.sessionId === id);
    await until(() => mine().length > 0);
    expect(mine().map((s) => s.event.seq)).toEqual([last! + 1]);
    expect(c.isEnded()).toBe(false);
    c.abort();
    await c.ended;
  });

  it("an issue cursor beyond the end is read as now", async () => {
    const c = await open(liveRoute.GET, { slug }, { query: `?issue=${issue.id}@${"9".repeat(30)}` });
    await until(() => c.frames.some((f) => f.event === "ready"));
    await makeSession(); // a comment and a session: two activity entries
    await until(() => c.frames.filter((f) => f.event === "activity").length >= 2);
    expect(c.isEnded()).toBe(false);
    c.abort();
    await c.ended;
  });

  it("a cursor that is not a count is a 400 naming the parameter", async () => {
    const id = await makeSession();
    for (const [query, field] of [
      [`issue=${issue.id}@1e3`, "issue"],
      [`issue=${issue.id}@`, "issue"],
      [`issue=${issue.id}@0x1`, "issue"],
      [`issue=${issue.id}&session=${id}@-1`, "session"],
      [`issue=${issue.id}&session=${id}@1.5`, "session"],
      [`issue=${issue.id}&session=${id}@ 1`, "session"],
    ]) {
      const res = await call(liveRoute.GET, cookie, { slug }, { query: `?${query}` });
      expect(res, query).toMatchObject({ status: 400, body: { error: { code: "bad_request:live", field } } });
    }
  });
});

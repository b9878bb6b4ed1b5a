import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { appendSessionEvents } from "@/db/queries/session-events";
import { RedisLiveBus } from "@/lib/bus/session-events";
import { getLiveHub } from "@/lib/bus/live-hub";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent, SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";
import * as streamRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/stream/route";
import { readSseFrames } from "../support/sse-frames";
import { makeWorkspace } from "./helpers";
import { cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";

const redisUrl = process.env.REDIS_URL!;
let bus: RedisLiveBus;
let admin: Redis;
let slug: string;
let cookie: string;
let makeSession: () => Promise<string>;

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  bus = new RedisLiveBus(redisUrl);
  admin = new Redis(redisUrl);
  const f = await makeWorkspace(db, ["guest"]);
  slug = f.ws.slug;
  cookie = await cookieFor(f.members[0]!.user.id); // guests may watch
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Stream" });
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: { maxConcurrentSessions: 100 } });
  await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
  makeSession = async () => (await addComment(db, f.adminCtx, issue, { text: "@claude go" }, { queue: new MemorySessionQueue() })).sessions[0]!.id;
});

afterAll(async () => {
  await bus.close();
  admin.disconnect();
  getLiveHub().close();
  await getDbHandle().close();
});

/** What the worker does: the log first (which numbers the events), then the live stream. Returns the numbers. */
async function publish(id: string, events: SessionEvent[]): Promise<number[]> {
  const stored = (await appendSessionEvents(getDbHandle().db, id, events))!;
  await bus.publish([{ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id, events: stored.events }]);
  return stored.events.map((e) => e.seq);
}

const texts = (n: number, prefix = "t") => Array.from({ length: n }, (_, i): SessionEvent => ({ type: "text", text: `${prefix}${i}` }));

type Client = { events: SequencedEvent[]; ended: Promise<void>; abort: () => void; status: number; headers: Headers };

async function connect(id: string, lastEventId?: number): Promise<Client> {
  const ac = new AbortController();
  const headers: Record<string, string> = { cookie };
  if (lastEventId !== undefined) headers["last-event-id"] = String(lastEventId);
  const req = new Request("http://localhost/api/x", { headers, signal: ac.signal });
  const res = await streamRoute.GET(req, { params: Promise.resolve({ slug, id }) });
  const events: SequencedEvent[] = [];
  const ended = readSseFrames(res.body!, (f) => {
    const e = JSON.parse(f.data) as SequencedEvent;
    expect(Number(f.id)).toBe(e.seq);
    events.push(e);
  });
  return { events, ended, abort: () => ac.abort(), status: res.status, headers: res.headers };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("the session event stream (SSE)", () => {
  it("replays exactly the events after Last-Event-ID of a finished session, then ends", async () => {
    const id = await makeSession();
    const seqs = await publish(id, [...texts(4), { type: "done", status: "completed", answer: "ok" }]);
    const c = await connect(id, seqs[1]);
    expect(c.status).toBe(200);
    expect(c.headers.get("content-type")).toContain("text/event-stream");
    expect(c.headers.get("x-accel-buffering")).toBe("no");
    expect(c.headers.get("cache-control")).toBe("no-cache, no-transform");
    await c.ended;
    expect(c.events.map((e) => e.seq)).toEqual(seqs.slice(2));
    expect(c.events.at(-1)).toMatchObject({ type: "done", status: "completed" });
  });

  it("replays the stored log, then tails live events, each once and in order", async () => {
    const id = await makeSession();
    const old = await publish(id, texts(2, "old"));
    const c = await connect(id);
    await until(() => c.events.length === old.at(-1)!);
    await publish(id, texts(7, "new"));
    const [last] = await publish(id, [{ type: "done", status: "completed" }]);
    await c.ended;
    expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: last! }, (_, i) => i + 1));
    expect(c.events[old.at(-1)!]).toMatchObject({ type: "text", text: "new0" });
  });

  it("ends the stream of a session cancelled before any worker took it: the transition wrote its status and done", async () => {
    const id = await makeSession();
    await transitionSession(getDbHandle().db, id, "cancelled", { errorMessage: "Cancelled by a member." });
    const c = await connect(id);
    await c.ended;
    expect(c.events.slice(-2)).toEqual([
      { type: "status", status: "cancelled", seq: c.events.length - 1 },
      { type: "done", status: "cancelled", error: "Cancelled by a member.", seq: c.events.length },
    ]);
  });

  it("feeds 200 concurrent clients of one session every event, through one Redis reader", async () => {
    const id = await makeSession();
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(id)));
    await publish(id, texts(50));
    const [last] = await publish(id, [{ type: "done", status: "completed" }]);
    await Promise.all(clients.map((c) => c.ended));
    for (const c of clients) expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: last! }, (_, i) => i + 1));
    const readers = (await admin.client("LIST")) as string;
    // This process's reader (other test files run their own, in their own processes).
    expect(readers.split("\n").filter((l) => l.includes(`name=dispatch-live-hub-${process.pid} `)).length).toBe(1);
  }, 60_000);

  it("after 500 connect/disconnect cycles holds no extra Redis connections or listeners", async () => {
    const id = await makeSession();
    const [, , third] = await publish(id, texts(3));
    const first = await connect(id);
    await until(() => first.events.length === third);
    first.abort();
    await first.ended;
    // This process's Redis connections (other test files run in parallel on the same Redis): each carries a name.
    const count = async () =>
      ((await admin.client("LIST")) as string)
        .trim()
        .split("\n")
        .filter((l) => l.includes(`-${process.pid} `)).length;
    const before = await count();
    const hub = getLiveHub();
    for (let i = 0; i < 500; i++) {
      const c = await connect(id);
      if (i % 2) await until(() => c.events.length === third);
      c.abort();
      await c.ended;
    }
    await until(() => hub.size() === 0);
    expect(await count()).toBe(before);
  }, 120_000);
});

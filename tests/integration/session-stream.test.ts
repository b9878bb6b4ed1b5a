import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { appendEvents } from "@/db/queries/worker";
import { RedisSessionEventBus } from "@/lib/bus/session-events";
import { getSessionStreamHub } from "@/lib/bus/session-stream-hub";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent, SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";
import * as streamRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/stream/route";
import { makeWorkspace } from "./helpers";
import { cookieFor } from "./route-client";

const redisUrl = process.env.REDIS_URL!;
let bus: RedisSessionEventBus;
let admin: Redis;
let slug: string;
let cookie: string;
let makeSession: () => Promise<string>;

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  bus = new RedisSessionEventBus(redisUrl);
  admin = new Redis(redisUrl);
  const f = await makeWorkspace(db, ["guest"]);
  slug = f.ws.slug;
  cookie = await cookieFor(f.members[0]!.user.id); // guests may watch
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Stream" });
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: { connectionStatus: "connected", maxConcurrentSessions: 100 } });
  makeSession = async () => (await addComment(db, f.adminCtx, issue, { text: "@claude go" }, { queue: new MemorySessionQueue() })).sessions[0]!.id;
});

afterAll(async () => {
  await bus.close();
  admin.disconnect();
  (getSessionStreamHub() as unknown as { close(): void }).close();
  await getDbHandle().close();
});

/** What the worker does: the log first, then the stream. */
async function publish(id: string, from: number, events: SessionEvent[]) {
  const seqd: SequencedEvent[] = events.map((e, i) => ({ ...e, seq: from + i }));
  await appendEvents(getDbHandle().db, id, seqd.map(({ seq, type, ...rest }) => ({ seq, type, payload: { type, ...rest } })));
  await bus.publish(id, seqd);
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
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const frameText = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(frameText)?.[1];
          const data = /^data: (.*)$/m.exec(frameText)?.[1];
          if (data) {
            const e = JSON.parse(data) as SequencedEvent;
            expect(Number(id)).toBe(e.seq);
            events.push(e);
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
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
    await publish(id, 1, [...texts(4), { type: "done", status: "completed", answer: "ok" }]);
    const c = await connect(id, 2);
    expect(c.status).toBe(200);
    expect(c.headers.get("content-type")).toContain("text/event-stream");
    expect(c.headers.get("x-accel-buffering")).toBe("no");
    expect(c.headers.get("cache-control")).toBe("no-cache, no-transform");
    await c.ended;
    expect(c.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(c.events.at(-1)).toMatchObject({ type: "done", status: "completed" });
  });

  it("replays the stored log, then tails live events, each once and in order", async () => {
    const id = await makeSession();
    await publish(id, 1, texts(2, "old"));
    const c = await connect(id);
    await until(() => c.events.length === 2);
    await publish(id, 3, texts(7, "new"));
    await publish(id, 10, [{ type: "done", status: "completed" }]);
    await c.ended;
    expect(c.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.events[2]).toMatchObject({ type: "text", text: "new0" });
  });

  it("ends the stream of a session that ended without a worker's done event", async () => {
    const id = await makeSession();
    await transitionSession(getDbHandle().db, id, "cancelled", { errorMessage: "Cancelled by a member." });
    const c = await connect(id);
    await c.ended;
    expect(c.events).toEqual([{ type: "done", status: "cancelled", error: "Cancelled by a member.", seq: 1 }]);
  });

  it("feeds 200 concurrent clients of one session every event, through one Redis reader", async () => {
    const id = await makeSession();
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(id)));
    await new Promise((r) => setTimeout(r, 700)); // the hub's next read picks up the new key
    await publish(id, 1, texts(50));
    await publish(id, 51, [{ type: "done", status: "completed" }]);
    await Promise.all(clients.map((c) => c.ended));
    for (const c of clients) expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const readers = (await admin.client("LIST")) as string;
    expect(readers.split("\n").filter((l) => l.includes("name=dispatch-stream-hub")).length).toBe(1);
  }, 60_000);

  it("after 500 connect/disconnect cycles holds no extra Redis connections or listeners", async () => {
    const id = await makeSession();
    await publish(id, 1, texts(3));
    const first = await connect(id);
    await until(() => first.events.length === 3);
    first.abort();
    await first.ended;
    const count = async () => ((await admin.client("LIST")) as string).trim().split("\n").length;
    const before = await count();
    const hub = getSessionStreamHub();
    for (let i = 0; i < 500; i++) {
      const c = await connect(id);
      if (i % 2) await until(() => c.events.length === 3);
      c.abort();
      await c.ended;
    }
    await until(() => hub.size() === 0);
    expect(await count()).toBe(before);
  }, 120_000);
});

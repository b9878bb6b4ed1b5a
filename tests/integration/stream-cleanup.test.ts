import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;
// Heartbeats every 40 ms: the one-second window below covers 25 of them.
process.env.DISPATCH_SSE_HEARTBEAT_MS = "40";

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { getLiveHub } from "@/lib/bus/live-hub";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { liveStreamStats } from "@/lib/live/stream";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import * as streamRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/stream/route";
import * as liveRoute from "@/app/api/workspaces/[slug]/live/route";
import { makeWorkspace } from "./helpers";
import { cookieFor } from "./route-client";
import { connectForTest } from "../support/connections";
import { captureLogLines } from "@/lib/observability/log";

let slug: string;
let cookie: string;
let issueId: string;
let sessionId: string;

beforeAll(async () => {
  const db = getDbHandle().db;
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  const f = await makeWorkspace(db, ["member"]);
  slug = f.ws.slug;
  cookie = await cookieFor(f.members[0]!.user.id);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Drops" });
  issueId = issue.id;
  const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: {} });
  await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
  // A session that stays open: its stream never ends by itself.
  sessionId = (await addComment(db, f.adminCtx, issue, { text: "@claude go" }, { queue: new MemorySessionQueue() })).sessions[0]!.id;
});
afterAll(async () => {
  getLiveHub().close();
  await getDbHandle().close();
});

/** Every way a client goes away: before reading, after the first bytes, by cancelling the body, or while the route still answers. */
type Drop = "abort-unread" | "abort-after-read" | "cancel-body" | "abort-during-route";
const DROPS: Drop[] = ["abort-unread", "abort-after-read", "cancel-body", "abort-during-route"];

async function openAndDrop(i: number): Promise<void> {
  const ac = new AbortController();
  const live = i % 2 === 0;
  const req = new Request(live ? `http://localhost/api/x?issue=${issueId}&agents=1` : "http://localhost/api/x", { headers: { cookie }, signal: ac.signal });
  const pending = live ? liveRoute.GET(req, { params: Promise.resolve({ slug }) }) : streamRoute.GET(req, { params: Promise.resolve({ slug, id: sessionId }) });
  const drop = DROPS[i % DROPS.length]!;
  if (drop === "abort-during-route") ac.abort();
  const res = await pending;
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  if (drop === "abort-after-read") await reader.read();
  if (drop === "cancel-body") {
    await reader.read();
    await reader.cancel();
    return;
  }
  ac.abort();
  // What the server does with a dropped connection: it stops reading.
  void reader.read().catch(() => undefined);
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("dropped Server-Sent Events streams", () => {
  it("after 1,000 streams opened and dropped, no stream, heartbeat timer or listener is left, and nothing fails over 25 heartbeats", async () => {
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
    const consoleError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    // The structured log too: a failing stream logs "stream failed" there.
    const lines: string[] = [];
    const stopCapture = captureLogLines(lines);
    const listenersBefore = process.listenerCount("uncaughtException");
    try {
      for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 100 }, (_, j) => openAndDrop(batch * 100 + j)));
      await until(() => liveStreamStats().openStreams === 0 && getLiveHub().size() === 0);
      // A window of many heartbeat periods: a stream that kept its timer would write (and fail) in it.
      await new Promise((r) => setTimeout(r, 1000));
      expect(liveStreamStats()).toEqual({ openStreams: 0, heartbeatTimers: 0, heartbeatListeners: 0 });
      expect(getLiveHub().size()).toBe(0);
      expect(process.listenerCount("uncaughtException")).toBe(listenersBefore);
      expect(errors).toEqual([]);
      expect(lines.filter((l) => /"level":"(error|fatal)"/.test(l))).toEqual([]);
    } finally {
      stopCapture();
      console.error = consoleError;
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    }
  }, 60_000);

  it("an open stream sends heartbeats at the configured period", async () => {
    const ac = new AbortController();
    const req = new Request(`http://localhost/api/x?issue=${issueId}`, { headers: { cookie }, signal: ac.signal });
    const res = await liveRoute.GET(req, { params: Promise.resolve({ slug }) });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const started = Date.now();
    while ((text.match(/: heartbeat/g) ?? []).length < 3) text += decoder.decode((await reader.read()).value);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(liveStreamStats()).toMatchObject({ openStreams: 1, heartbeatTimers: 1, heartbeatListeners: 1 });
    ac.abort();
    await until(() => liveStreamStats().openStreams === 0);
  });
});

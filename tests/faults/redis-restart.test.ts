import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.DISPATCH_LIVE_STREAM = `faults-live-${randomBytes(4).toString("hex")}`;
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { appendSessionEvents } from "@/db/queries/session-events";
import { announce, getLiveBus } from "@/lib/bus/session-events";
import { getLiveHub } from "@/lib/bus/live-hub";
import { addComment } from "@/lib/comments/service";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import type { SequencedEvent, SessionEvent } from "@/lib/sessions/events";
import { transitionSession } from "@/lib/sessions/transitions";
import * as liveRoute from "@/app/api/workspaces/[slug]/live/route";
import { makeWorkspace } from "../integration/helpers";
import { cookieFor } from "../integration/route-client";
import { readSseFrames } from "../support/sse-frames";
import { connectForTest } from "../support/connections";

// Redis restarted (without persistence, as here) while a member watches a running session: what
// was announced while it was down is lost from Redis, and the open stream still gets every event
// once and in order, then `done` — re-read from the database when the hub reconnects.

const run = promisify(execFile);
const startRedis = () =>
  run("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]);

afterAll(async () => {
  await startRedis().catch(() => undefined); // never leave the machine without its Redis
  getLiveHub().close();
  await getLiveBus().close();
  await getDbHandle().close();
});

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
});

describe("a Redis restart while a stream is open", () => {
  it("loses nothing: announcements made while Redis was down arrive from the database, in order, once", async () => {
    const db = getDbHandle().db;
    const f = await makeWorkspace(db);
    const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(db, f.adminCtx, project, { title: "Outage" });
    const claude = (await loadCatalog(db, f.ws.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(db, { workspaceId: f.ws.id, providerId: claude.id, patch: {} });
    await connectForTest(db, { workspaceId: f.ws.id, kind: claude.slug });
    const queue = new MemorySessionQueue();
    const id = (await addComment(db, f.adminCtx, issue, { text: "@claude go" }, { queue })).sessions[0]!.id;
    await transitionSession(db, id, "provisioning", {}, { queue });
    await transitionSession(db, id, "running", {}, { queue });

    const ac = new AbortController();
    const req = new Request(`http://localhost/api/x?issue=${issue.id}`, { headers: { cookie: await cookieFor(f.admin.id) }, signal: ac.signal });
    const res = await liveRoute.GET(req, { params: Promise.resolve({ slug: f.ws.slug }) });
    const got: SequencedEvent[] = [];
    let ready = false;
    const ended = readSseFrames(res.body!, (fr) => {
      if (fr.event === "ready") ready = true;
      if (fr.event === "session") got.push((JSON.parse(fr.data) as { event: SequencedEvent }).event);
    });
    const until = async (cond: () => boolean, what: string, ms = 30_000) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => ready, "the ready frame");
    const write = async (events: SessionEvent[]) => {
      const stored = (await appendSessionEvents(db, id, events))!;
      await announce(getLiveBus(), [{ kind: "session", workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id, events: stored.events }]);
    };
    await write([{ type: "text", text: "before " }]);
    await until(() => got.some((e) => e.type === "text"), "the first text");

    await run("redis-cli", ["-p", "6379", "shutdown", "nosave"]).catch(() => undefined); // the connection closes as it stops
    await write([{ type: "text", text: "during " }, { type: "text", text: "the outage " }]);
    await transitionSession(db, id, "completed", { answer: "done" }, { queue });
    await startRedis();

    await until(() => got.at(-1)?.type === "done", "done after Redis came back");
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    expect(got.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("")).toBe("before during the outage ");
    ac.abort();
    await ended;
  }, 120_000);
});

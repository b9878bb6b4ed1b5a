import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { appendSessionEvents } from "@/db/queries/session-events";
import { RedisLiveBus } from "@/lib/bus/session-events";
import { transitionSession } from "@/lib/sessions/transitions";
import { gotoHydrated, launchChromium } from "./pages/browser";
import { shotsDir } from "./pages/signed-in-browser";
import { SESSION_COOKIE, signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { beatAsWorker } from "../support/worker-beat";
import { freePort, startNext, type RunningServer } from "./support/server";
import { connectForTest } from "../support/connections";

// Team scale in one browser: 12 running sessions across 3 issues, each issue open in its own tab
// (plus a second tab on the first issue). A `next start` on PostgreSQL and Redis with no worker
// of its own: this test acts as the worker, writing events the way it does (log, then bus).

const root = path.resolve(import.meta.dirname, "../..");
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `dispatch_tabs_${randomBytes(4).toString("hex")}`;
const liveStream = `test-live-${randomBytes(3).toString("hex")}`;

let server: RunningServer;
let handle: DbHandle;
let bus: RedisLiveBus;
let browser: Browser;
let context: BrowserContext;
let api: ApiClient;
const slug = `tabs-${randomBytes(3).toString("hex")}`;
const issues: { key: string; sessions: string[] }[] = [];
const pages: Page[] = [];
let streaming = true;
let streamer: Promise<void>;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-tabs-"));
let stopBeating = () => {};

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  handle = openDb({ url: dbUrl.toString() });
  await prepareDatabase(handle, dbUrl.toString());
  bus = new RedisLiveBus(redisUrl, liveStream);
  const port = await freePort();
  server = await startNext({
    root,
    port,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      DISPATCH_LIVE_STREAM: liveStream,
      DISPATCH_EMBEDDED_WORKER: "0",
      BULLMQ_PREFIX: `tabs-${randomBytes(3).toString("hex")}`,
      DISPATCH_DATA_DIR: dataDir,
      DISPATCH_ENCRYPTION_KEYS: `t:${randomBytes(32).toString("base64")}`,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXTAUTH_SECRET: randomBytes(36).toString("base64url"),
    },
  });
  ({ client: api } = await signUpAndIn(server.url, { name: "Tab Lead", email: uniqueEmail("tabs"), password: "correct horse battery" }));
  const ws = await api.post("/api/workspaces", { name: "Tabs", slug });
  expect(ws.status).toBe(201);
  expect((await api.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const claude = (await loadCatalog(handle.db, ws.body.workspace.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(handle.db, { workspaceId: ws.body.workspace.id, providerId: claude.id, patch: { maxConcurrentSessions: 20 } });
  await connectForTest(handle.db, { workspaceId: ws.body.workspace.id, kind: claude.slug });

  for (let i = 0; i < 3; i++) {
    const issue = await api.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: `Tab issue ${i + 1}` });
    expect(issue.status).toBe(201);
    const key = issue.body.issue.key as string;
    // Four cards per issue: two comments of two agents each.
    const sessions: string[] = [];
    for (const text of [`@claude-opus @claude-sonnet part ${i}a`, `@claude-haiku @claude-opus part ${i}b`]) {
      const r = await api.post(`/api/workspaces/${slug}/issues/${key}/comments`, { text });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      sessions.push(...(r.body.sessions as { id: string }[]).map((s) => s.id));
    }
    issues.push({ key, sessions });
  }
  expect(issues.flatMap((i) => i.sessions)).toHaveLength(12);
  // As the worker: beat like one (the web process's reconciler ends the sessions of a silent worker), claim and start every session.
  stopBeating = beatAsWorker(handle.db, "tabs-test");
  for (const id of issues.flatMap((i) => i.sessions)) {
    expect(await transitionSession(handle.db, id, "provisioning", { workerId: "tabs-test" }, { bus })).toBeTruthy();
    await transitionSession(handle.db, id, "running", {}, { bus });
  }
  // As the CLIs: every session writes a word every 100 ms until the test ends.
  streamer = (async () => {
    for (let n = 0; streaming; n++) {
      await Promise.all(
        issues.flatMap((i) => i.sessions).map(async (id) => {
          const stored = await appendSessionEvents(handle.db, id, [{ type: "text", text: `w${n} ` }]);
          if (stored) await bus.publish([{ kind: "session", ...{ workspaceId: stored.session.workspaceId, issueId: stored.session.issueId, sessionId: id }, events: stored.events }]);
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: api.cookie(SESSION_COOKIE)!, domain: "127.0.0.1", path: "/", httpOnly: true, sameSite: "Lax" }]);
}, 180_000);

afterAll(async () => {
  streaming = false;
  stopBeating();
  await streamer?.catch(() => undefined);
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.stop();
  await bus?.close();
  await handle?.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The highest word number a card shows (its stream is alive if this grows). */
const lastWord = (page: Page, sessionId: string) =>
  page.evaluate((id) => {
    const text = document.querySelector(`li[data-session-id="${id}"]`)?.textContent ?? "";
    const all = [...text.matchAll(/w(\d+)/g)].map((m) => Number(m[1]));
    return all.length ? Math.max(...all) : -1;
  }, sessionId);

describe("one live connection for every tab", () => {
  it("4 tabs on 3 issues with 12 running sessions: every tab loads, every card streams, on one shared connection", async () => {
    const urls = [...issues.map((i) => `${server.url}/${slug}/issue/${i.key}`), `${server.url}/${slug}/issue/${issues[0]!.key}`];
    const loads: number[] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const t0 = Date.now();
      await gotoHydrated(page, url);
      loads.push(Date.now() - t0);
      pages.push(page);
    }
    console.info(`[live-tabs] tab load to hydrated (ms): ${loads.join(", ")}`);
    for (const [t, page] of pages.entries()) {
      expect(await page.evaluate(() => document.documentElement.dataset.live), `tab ${t}`).toBe("shared");
      const ids = issues[t % 3]!.sessions;
      expect(await page.locator("li[data-session-id]").count()).toBe(4);
      const before = await Promise.all(ids.map((id) => lastWord(page, id)));
      await expect.poll(async () => (await Promise.all(ids.map((id) => lastWord(page, id)))).every((w, i) => w > before[i]! && w >= 0), { timeout: 20_000 }).toBe(true);
    }
    fs.mkdirSync(shotsDir, { recursive: true });
    await pages[0]!.screenshot({ path: path.join(shotsDir, "live-tabs.png"), fullPage: false });
  }, 180_000);

  it("a comment posted in one tab appears in the other tab of that issue; the server action answers while all stream", async () => {
    const [first, , , twin] = pages as [Page, Page, Page, Page];
    const text = `Seen in the twin ${randomBytes(3).toString("hex")}`;
    await first.getByRole("textbox", { name: "Comment" }).click();
    await first.keyboard.type(text);
    const t0 = Date.now();
    await first.keyboard.press("Control+Enter");
    await expect.poll(() => first.getByText(text).count(), { timeout: 15_000 }).toBe(1);
    const posted = Date.now() - t0;
    await expect.poll(() => twin.getByText(text).count(), { timeout: 15_000 }).toBe(1);
    console.info(`[live-tabs] comment: server action answered in ${posted} ms, shown in the other tab ${Date.now() - t0} ms after sending`);
  }, 60_000);

  it("a session that ends settles in every tab that shows it, and the issue's second tab sees another member's new session", async () => {
    const [first, , , twin] = pages as [Page, Page, Page, Page];
    const id = issues[0]!.sessions[0]!;
    await transitionSession(handle.db, id, "completed", { answer: "All done." }, { bus, comment: { bodyJson: { type: "doc", content: [] }, bodyHtml: "<p>All done here.</p>" } });
    for (const page of [first, twin]) {
      await expect.poll(() => page.locator(`li[data-session-id="${id}"]`).getAttribute("data-status"), { timeout: 15_000 }).toBe("completed");
      await expect.poll(() => page.locator(`li[data-session-id="${id}"]`).getByText("All done here.").count(), { timeout: 15_000 }).toBe(1);
    }
    const more = await api.post(`/api/workspaces/${slug}/issues/${issues[0]!.key}/comments`, { text: "@claude one more" });
    expect(more.status).toBe(201);
    const newId = more.body.sessions[0].id as string;
    for (const page of [first, twin]) await expect.poll(() => page.locator(`li[data-session-id="${newId}"]`).count(), { timeout: 15_000 }).toBe(1);
  }, 60_000);
});

describe("the line and the Agents page, live", () => {
  it("a mention beyond the limit waits in a visible line, moves up as runs end, and can be cancelled from its card", async () => {
    const [first] = pages as [Page];
    const key = issues[0]!.key;
    // 12 running + the follow-up of the previous test hold their slots: make the limit exactly that.
    const held = (await api.get(`/api/workspaces/${slug}/agent/board?status=active`)).body.rows.length as number;
    const put = await api.request("PUT", `/api/workspaces/${slug}/agent/config`, { json: { providers: [{ provider_slug: "claude", max_concurrent_sessions: held }] } });
    expect(put.status).toBe(200);
    const waitA = (await api.post(`/api/workspaces/${slug}/issues/${key}/comments`, { text: "@claude-sonnet in line A" })).body.sessions[0].id as string;
    const waitB = (await api.post(`/api/workspaces/${slug}/issues/${key}/comments`, { text: "@claude-haiku in line B" })).body.sessions[0].id as string;
    const cardA = first.locator(`li[data-session-id="${waitA}"]`);
    const cardB = first.locator(`li[data-session-id="${waitB}"]`);
    await expect.poll(() => cardA.innerText(), { timeout: 15_000 }).toContain(`1st in line: ${held} of ${held} Claude runs busy`);
    await expect.poll(() => cardB.innerText(), { timeout: 15_000 }).toContain(`2nd in line: ${held} of ${held} Claude runs busy`);
    expect(await cardA.getAttribute("data-status")).toBe("queued");
    await first.screenshot({ path: path.join(shotsDir, "queued-cards.png") });

    // A run ends: the first in line gets its slot (and waits for a worker), the second moves up.
    await transitionSession(handle.db, issues[0]!.sessions[1]!, "completed", { answer: "ok" }, { bus });
    await expect.poll(() => cardA.innerText(), { timeout: 15_000 }).toContain("Waiting for a free worker");
    await expect.poll(() => cardB.innerText(), { timeout: 15_000 }).toContain(`1st in line: ${held} of ${held} Claude runs busy`);

    // Cancel from the card while it waits.
    await cardB.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => cardB.getAttribute("data-status"), { timeout: 15_000 }).toBe("cancelled");
  }, 90_000);

  it("the Agents page lists every session of the workspace and follows their changes live", async () => {
    const board = await context.newPage();
    await gotoHydrated(board, `${server.url}/${slug}/agents`);
    const row = (id: string) => board.locator(`tr[data-session-id="${id}"]`);
    const rows = await board.locator("tr[data-session-id]").count();
    expect(rows).toBeGreaterThanOrEqual(14);
    const id = issues[1]!.sessions[0]!;
    await expect.poll(() => row(id).innerText()).toContain("Running");
    await transitionSession(handle.db, id, "failed", { errorMessage: "Scripted failure." }, { bus });
    await expect.poll(() => row(id).innerText(), { timeout: 15_000 }).toContain("Failed");
    // A session started elsewhere appears without a reload.
    const started = await api.post(`/api/workspaces/${slug}/issues/${issues[2]!.key}/comments`, { text: "@claude-opus from the API" });
    expect(started.status).toBe(201);
    await expect.poll(() => row(started.body.sessions[0].id as string).count(), { timeout: 15_000 }).toBe(1);
    await board.screenshot({ path: path.join(shotsDir, "agents-page.png"), fullPage: true });
    await board.close();
  }, 90_000);
});

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Locator, Page, Route } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SESSION_COOKIE, signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider, readStream } from "./support/agents";

// Questions and approvals in the browser: the real Claude Code in its image, against the scripted
// Anthropic API (tests/support/anthropic-api.ts: ask, ask-many, approve-rm), calls the worker's
// dispatch MCP server; the card shows what it asks, a member answers there, and the run goes on
// with the answer. A guest sees the same card read-only.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `ask-${tag}`;

const adminBrowser = signedInBrowser();
const guestBrowser = signedInBrowser();
let page: Page;
let guestPage: Page;
let admin: ApiClient;
let issueUrl = "";

const editor = () => page.getByRole("textbox", { name: "Comment" });
const cards = (p: Page) => p.getByRole("listitem", { name: "Agent session Claude Sonnet" });
const statusOf = (c: Locator) => c.getByRole("status").first().innerText();

/** Sends a comment mentioning one agent and returns its (newest) card. */
async function mention(text: string): Promise<Locator> {
  const before = await cards(page).count();
  await editor().click();
  await page.keyboard.type(text);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Send to 1 agent" }).click();
  await expect.poll(() => cards(page).count(), { timeout: 30_000 }).toBe(before + 1);
  return cards(page).last();
}

/** Once finished: the agent's comment, and the run's lines about what it asked (under "Show work"). */
async function settled(c: Locator) {
  await expect.poll(() => statusOf(c), { timeout: 90_000, interval: 250 }).toBe("Completed");
  const answer = await c.getByTestId("agent-answer").innerText();
  await c.getByRole("button", { name: "Show work" }).click();
  await expect.poll(() => c.getByTestId("resolved-request").count()).toBeGreaterThan(0);
  return { answer, resolved: await c.getByTestId("resolved-request").first().innerText() };
}

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Ada Lead", email: uniqueEmail("ada"), password: "correct horse battery" }));
  const guest = await signUpAndIn(baseUrl, { name: "Gus Guest", email: uniqueEmail("gus"), password: "correct horse battery" });
  expect((await admin.post("/api/workspaces", { name: `Ask ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/members`, { email: guest.user.email, role: "guest" })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Add a cache", description: "Pick a store for it." });
  expect(issue.status).toBe(201);
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  issueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;

  page = await adminBrowser.open(baseUrl, admin);
  guestPage = await guestBrowser.open(baseUrl, guest.client);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("an agent asks mid-run and a member answers in its card", () => {
  it("a single-choice question: its options are buttons, one click answers, the run goes on with it; a guest sees it read-only", async () => {
    const c = await mention("@claude [script:ask] pick a database");
    const q = c.getByTestId("question-card");
    await q.waitFor({ timeout: 90_000 });
    expect(await q.getByRole("heading").innerText()).toBe("Which database should the cache use?");
    expect(await q.getByRole("group", { name: "Options" }).getByRole("button").allInnerTexts()).toEqual(["PostgreSQL", "Redis"]);
    expect(await q.getByRole("textbox", { name: "Other answer" }).count()).toBe(1);
    await expect.poll(() => statusOf(c)).toBe("Waiting for your answer");
    await c.screenshot({ path: path.join(shotsDir, "question-card.png") });

    // The guest's tab: the same question, the options as text, nothing to press or type. (Not
    // gotoHydrated: it waits for a control in the page, and a guest's issue page has none here.)
    await guestPage.goto(issueUrl);
    const gc = cards(guestPage).last();
    const gq = gc.getByTestId("question-card");
    await gq.waitFor({ timeout: 30_000 });
    expect(await gq.getByRole("heading").innerText()).toBe("Which database should the cache use?");
    expect(await gq.innerText()).toContain("Redis");
    expect(await gq.getByRole("button").count()).toBe(0);
    expect(await gq.getByRole("textbox").count()).toBe(0);
    expect(await statusOf(gc)).toBe("Waiting for your answer");
    await gc.screenshot({ path: path.join(shotsDir, "question-card-guest.png") });

    // The Agents page lists the waiting session under its own status, and its filter offers it.
    const board = await guestPage.context().newPage();
    await gotoHydrated(board, `${baseUrl}/${slug}/agents?status=awaiting_input`);
    const filter = board.getByRole("combobox", { name: /^Status/ });
    expect(await filter.inputValue()).toBe("awaiting_input");
    expect(await filter.locator('option[value="awaiting_input"]').innerText()).toBe("Waiting for your answer");
    await expect.poll(() => board.getByRole("status").allInnerTexts()).toContain("Waiting for your answer");
    // The issue list: the one who started it is told it needs their answer; the guest that it waits on one.
    await gotoHydrated(board, `${baseUrl}/${slug}/projects/WEB`);
    const listed = (p: Page) => p.getByRole("list", { name: "Issues" }).getByRole("listitem").filter({ hasText: "Add a cache" });
    expect(await listed(board).innerText()).toContain("Waiting on an answer");
    const mine = await page.context().newPage();
    await gotoHydrated(mine, `${baseUrl}/${slug}/projects/WEB`);
    expect(await listed(mine).innerText()).toContain("Needs your answer");
    await mine.close();
    await board.close();

    await q.getByRole("button", { name: "Redis" }).click();
    // The live stream resolves the card in both tabs, without a reload.
    await expect.poll(() => c.getByTestId("question-card").count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => gc.getByTestId("question-card").count(), { timeout: 30_000 }).toBe(0);
    const { answer, resolved } = await settled(c);
    expect(answer).toContain("The member said:");
    expect(answer).toContain("Redis");
    expect(resolved).toMatch(/^\?\s*Asked: Which database should the cache use\? — Ada Lead answered Redis/);
    await c.screenshot({ path: path.join(shotsDir, "question-answered.png") });
  }, 180_000);

  it("a multiple-choice question: two boxes ticked, then Send", async () => {
    const c = await mention("@claude [script:ask-many] pick the browsers");
    const q = c.getByTestId("question-card");
    await q.waitFor({ timeout: 90_000 });
    const send = q.getByRole("button", { name: "Send" });
    expect(await send.isDisabled()).toBe(true); // nothing picked yet
    await q.getByRole("checkbox", { name: "Chrome" }).check();
    await q.getByRole("checkbox", { name: "Firefox" }).check();
    await c.screenshot({ path: path.join(shotsDir, "question-card-multiple.png") });
    await send.click();
    const { answer, resolved } = await settled(c);
    expect(answer).toContain("The member said:");
    expect(answer).toContain("Chrome");
    expect(answer).toContain("Firefox");
    expect(answer).not.toContain("Safari");
    expect(resolved).toContain("Ada Lead answered Chrome, Firefox");
  }, 180_000);

  it("an approval: the exact command and the rule that stopped it; Reject with a reason reaches the agent", async () => {
    // The provider's default policy: commands starting with rm wait for a member.
    const set = await admin.request("PUT", `/api/workspaces/${slug}/agent/config`, { json: { providers: [{ provider_slug: "claude", approvals: { shell: "patterns", shell_patterns: ["rm"] } }] } });
    expect(set.status, `PUT …/agent/config answered ${set.status}: ${JSON.stringify(set.body).slice(0, 300)}`).toBe(200);

    const c = await mention("@claude [script:approve-rm] tidy up");
    const a = c.getByTestId("approval-card");
    await a.waitFor({ timeout: 90_000 });
    expect(await a.locator("pre").innerText()).toBe("rm -f notes.txt");
    expect(await a.innerText()).toContain('Commands matching "rm" need approval.');
    expect(await a.innerText()).toContain("Bash");
    await expect.poll(() => statusOf(c)).toBe("Waiting for your answer");
    await a.getByRole("textbox", { name: "Reason for rejecting (optional)" }).fill("keep it");
    await c.screenshot({ path: path.join(shotsDir, "approval-card.png") });

    await guestPage.goto(issueUrl);
    const ga = cards(guestPage).last().getByTestId("approval-card");
    await ga.waitFor({ timeout: 30_000 });
    expect(await ga.locator("pre").innerText()).toBe("rm -f notes.txt");
    expect(await ga.getByRole("button").count()).toBe(0);

    await a.getByRole("button", { name: "Reject" }).click();
    const { answer, resolved } = await settled(c);
    expect(answer).toContain("Bash said (error)");
    expect(answer).toContain("keep it");
    expect(resolved).toContain("Approval: rm -f notes.txt — rejected by Ada Lead: keep it");
  }, 180_000);

  it("an answer that arrives second is not taken: the card shows who answered first, and why this one did not count", async () => {
    // A fresh issue: a second mention of the same agent on one issue continues its earlier conversation, where the
    // scripted API's fixed tool-call id (toolu_01AskOne) would repeat and the stand-in's run start over.
    const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Pick a store again", description: "Two answers at once." });
    expect(issue.status).toBe(201);
    const raceUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;
    await gotoHydrated(page, raceUrl);
    const c = await mention("@claude [script:ask] pick a database");
    const q = c.getByTestId("question-card");
    await q.waitFor({ timeout: 90_000 });
    const sessionId = (await c.getAttribute("data-session-id"))!;
    const stream = await readStream(baseUrl, `${SESSION_COOKIE}=${admin.cookie(SESSION_COOKIE)}`, slug, sessionId, { until: (e) => e.event === "request" });
    const requestId = stream.events.find((e) => e.event === "request")!.data.request.id as string;

    // This tab's click is held on its way while the same question is answered through the API.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const isAnswer = (route: Route) => route.request().method() === "POST" && !!route.request().headers()["next-action"];
    await page.route(raceUrl, async (route) => {
      if (!isAnswer(route)) return route.continue();
      await released;
      await route.continue();
    });
    await q.getByRole("button", { name: "PostgreSQL" }).click();
    expect(await q.getByRole("button", { name: "Redis" }).isDisabled()).toBe(true); // while sending
    const first = await admin.post(`/api/workspaces/${slug}/agent/sessions/${sessionId}/requests/${requestId}/answer`, { choices: ["Redis"] });
    expect(first.status).toBe(200);
    release();
    await expect.poll(() => c.getByRole("alert").allInnerTexts(), { timeout: 15_000 }).toContain("This question was already answered by Ada Lead.");
    await page.unroute(raceUrl);
    const { answer } = await settled(c);
    expect(answer).toContain("Redis");
    expect(answer).not.toContain("PostgreSQL");
  }, 180_000);
});

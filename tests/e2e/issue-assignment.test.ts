import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider } from "./support/agents";

// Assigning an issue to an agent from the properties panel: the production server's embedded
// worker runs the real Claude Code image against the scripted model API (global-setup.ts); the
// issue's description carries the script marker, since the issue itself is the request.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `assign-${tag}`;

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
let issueUrl = "";

const card = (name: string) => page.getByRole("listitem", { name: `Agent session ${name}` });
const statusOf = (c: Locator) => c.getByRole("status").first().innerText();
const slowLines = async (c: Locator) => [...(await c.innerText()).matchAll(/Line (\d+) of the slow answer\./g)].length;
const assignee = () => page.getByRole("combobox", { name: "Assignee", exact: true });
const assignments = () => page.getByRole("listitem", { name: "Assignment" }).allInnerTexts();
/** A server render on a busy machine can take seconds. */
const eventually = { timeout: 20_000, interval: 200 };
const question = () => page.getByRole("alertdialog", { name: "Stop the running agent?" });

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Tia Lead", email: uniqueEmail("tia"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Assign ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Explain the slow answer", description: "Tell it line by line. [script:slow]" });
  expect(issue.status).toBe(201);
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  issueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;
  page = await browserPage.open(baseUrl, admin);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("assigning an issue to an agent", () => {
  it("assigning Claude Opus starts it on the issue: the card streams and the timeline says who assigned it", async () => {
    await assignee().selectOption({ label: "Claude Opus" });
    const opus = card("Claude Opus");
    await expect.poll(async () => opus.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => assignments(), eventually).toEqual([expect.stringMatching(/^assigned to Claude Opus by Tia Lead · /)]);
    await expect.poll(() => slowLines(opus), { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(3);
    expect(await statusOf(opus)).not.toBe("Completed");
    await page.screenshot({ path: path.join(shotsDir, "issue-assigned-to-agent.png"), fullPage: true });
  }, 150_000);

  it("reassigning to Claude Sonnet asks about Opus's run; letting it finish starts Sonnet beside it", async () => {
    await assignee().selectOption({ label: "Claude Sonnet" });
    await question().waitFor({ timeout: 20_000 });
    expect(await question().innerText()).toContain("Claude Opus is still working on this issue. Stop its run?");
    await page.screenshot({ path: path.join(shotsDir, "issue-reassign-question.png") });
    await question().getByRole("button", { name: "Let it finish" }).click();
    const sonnet = card("Claude Sonnet");
    await expect.poll(async () => sonnet.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => assignments(), eventually).toEqual([expect.stringContaining("assigned to Claude Opus by Tia Lead"), expect.stringContaining("assigned to Claude Sonnet by Tia Lead")]);
    // A refresh of the page (here after a state change) keeps every card.
    await page.getByRole("combobox", { name: "State" }).selectOption({ label: "In progress" });
    await page.waitForTimeout(3000);
    expect(await card("Claude Opus").count()).toBe(1);
    expect(await card("Claude Sonnet").count()).toBe(1);
    await expect.poll(() => statusOf(card("Claude Opus")), { timeout: 90_000, interval: 250 }).toBe("Completed");
  }, 150_000);

  it("unassigning while Sonnet runs asks again; stopping the run cancels it", async () => {
    const sonnet = card("Claude Sonnet");
    await expect.poll(() => slowLines(sonnet), { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    await assignee().selectOption({ label: "Nobody" });
    await question().getByRole("button", { name: "Stop the run" }).click();
    await expect.poll(() => statusOf(sonnet), { timeout: 20_000 }).toBe("Cancelled");
    await expect.poll(() => assignments(), eventually).toHaveLength(3);
    expect((await assignments())[2]).toMatch(/^unassigned by Tia Lead · /);
    expect(await assignee().inputValue()).toBe("none");
    // After a reload the panel and the timeline read the same from the server.
    await gotoHydrated(page, issueUrl);
    expect(await assignee().inputValue()).toBe("none");
    expect(await assignments()).toHaveLength(3);
    expect(await statusOf(card("Claude Sonnet"))).toBe("Cancelled");
  }, 150_000);

  it("a guest sees the assignee but cannot change it", async () => {
    const guest = await signUpAndIn(baseUrl, { name: "Gus Guest", email: uniqueEmail("gus"), password: "correct horse battery" });
    expect((await admin.post(`/api/workspaces/${slug}/members`, { email: guest.user.email, role: "guest" })).status).toBe(201);
    const res = await guest.client.request("PATCH", `/api/workspaces/${slug}/issues/WEB-1`, { json: { assignee: { type: "agent", provider_slug: "claude" } } });
    expect(res).toMatchObject({ status: 403, body: { error: { code: "forbidden:guest" } } });
  });
});

import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider } from "./support/agents";

// The README's picture: an issue where one comment handed the work to two agents (two Claude
// variants: the same CLI starts as fast, so both cards are about as long), taken while both cards
// stream. Every run leaves it in test-results/; DISPATCH_README_SCREENSHOT=1 writes
// docs/issue-page.png instead, so that `npm test` does not change a tracked file each time.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `readme-${tag}`;
const screenshot = process.env.DISPATCH_README_SCREENSHOT === "1" ? path.resolve(import.meta.dirname, "../../docs/issue-page.png") : path.join(shotsDir, "issue-page.png");

const browserPage = signedInBrowser({ width: 1280, height: 960 });
let page: Page;
let admin: ApiClient;
let issueKey = "";

const card = (name: string) => page.getByRole("listitem", { name });
const statusOf = (c: Locator) => c.getByRole("status").first().innerText({ timeout: 1_000 });
/** How many lines of the slow answer a card shows; 0 while it is not on the page yet. */
const slowLines = async (c: Locator) => [...(await c.innerText({ timeout: 1_000 }).catch(() => "")).matchAll(/Line (\d+) of the slow answer\./g)].length;

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Maya Chen", email: uniqueEmail("maya"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: "Acme", slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Billing", identifier: "BIL" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/BIL/issues`, {
    title: "Invoice totals are off by one cent",
    description: "Invoices with three or more discounted lines show a total one cent lower than the sum of the lines. Round per line, not on the total.",
  });
  expect(issue.status).toBe(201);
  issueKey = issue.body.issue.key;
  // A pasted token shaped like `claude setup-token`'s; the scripted model API accepts any.
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  page = await browserPage.open(baseUrl, admin);
}, 120_000);

describe("the README screenshot", () => {
  it("shows two agents streaming into the issue (docs/issue-page.png)", async () => {
    const res = await admin.post(`/api/workspaces/${slug}/issues/${issueKey}/comments`, {
      text: "@claude-opus @claude-sonnet find where the cent goes missing and fix it [script:slow]",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sessions).toHaveLength(2);

    await gotoHydrated(page, `${baseUrl}/${slug}/issue/${issueKey}`);

    const sonnet = card("Agent session Claude Sonnet");
    const opus = card("Agent session Claude Opus");
    // Both cards mid-answer at once: some of the slow answer shown, both runs still working.
    const bothStreaming = async () => {
      const states = await Promise.all([opus, sonnet].map(async (c) => ({ lines: await slowLines(c), status: await statusOf(c).catch(() => "") })));
      return states.every((s) => s.lines >= 3 && s.status === "Working");
    };
    await expect.poll(bothStreaming, { timeout: 90_000, interval: 150 }).toBe(true);
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    // From the top of the page: the issue, the comment, the first card whole and the second one's
    // beginning (whichever agent answered first).
    await page.evaluate(() => window.scrollTo(0, 0));
    const tops = await Promise.all([opus, sonnet].map(async (c) => (await c.boundingBox())?.y ?? 0));
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: screenshot, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(pageHeight, Math.max(...tops) + 240) } });
    expect(fs.statSync(screenshot).size).toBeGreaterThan(20_000);
  }, 180_000);
});

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";

// Layout defects a new team saw first: the sidebar's background on long pages, the agent
// settings' empty skills list.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `layout-${tag}`;

const browserPage = signedInBrowser({ width: 1280, height: 800 });
let page: Page;
let admin: ApiClient;
let longIssueUrl = "";

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Lena Ortiz", email: uniqueEmail("lena"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Layout ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const paragraphs = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1} of a long report, long enough to make the page scroll.`);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "A long issue", description: paragraphs.join("\n\n") });
  expect(issue.status).toBe(201);
  longIssueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;
  page = await browserPage.open(baseUrl, admin);
}, 120_000);

describe("layout", () => {
  it("the sidebar's background runs down the whole of a long page", async () => {
    await gotoHydrated(page, longIssueUrl);
    const m = await page.evaluate(() => {
      // The box that paints the sidebar's background: the aside or the nearest ancestor with one.
      let el: Element | null = document.querySelector("aside");
      while (el && getComputedStyle(el).backgroundColor === "rgba(0, 0, 0, 0)") el = el.parentElement;
      return { painted: el?.getBoundingClientRect().height ?? 0, page: document.documentElement.scrollHeight, screen: window.innerHeight };
    });
    expect(m.page).toBeGreaterThan(m.screen * 1.5); // the page is long
    expect(m.painted).toBeGreaterThanOrEqual(m.page - 1);
    await page.screenshot({ path: path.join(shotsDir, "sidebar-long-page.png"), fullPage: true });
  });

  it("Settings → Agents says 'No skills yet' once", async () => {
    await gotoHydrated(page, `${baseUrl}/${slug}/settings/agents`);
    await expect.poll(() => page.getByRole("button", { name: "New skill" }).count()).toBe(1);
    expect(await page.getByText(/no skills yet/i).count()).toBe(1);
    await page.screenshot({ path: path.join(shotsDir, "settings-no-skills.png"), fullPage: true });
  });
});

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider } from "./support/agents";

// How the cards under a comment are laid out: in mention order, long answers collapsed, a
// failure's reason once. Real Claude Code runs against the scripted model API of global-setup.ts.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `cards-${tag}`;

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
let issueUrl = "";

const MENTIONED = ["Claude Opus", "Claude Sonnet", "Claude Haiku"];
const REASON = "Scripted overload: the model is unavailable";

const cards = () => page.getByRole("listitem", { name: /^Agent session / });
const card = (name: string) => page.getByRole("listitem", { name: `Agent session ${name}` });
const editor = () => page.getByRole("textbox", { name: "Comment" });
const statusOf = (c: Locator) => c.getByRole("status").first().innerText();
const cardNames = async () => (await cards().evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""))).map((l) => l.replace("Agent session ", ""));
const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Cara Lead", email: uniqueEmail("cara"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Cards ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Explain everything", description: "At length." });
  expect(issue.status).toBe(201);
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  issueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;
  page = await browserPage.open(baseUrl, admin);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("session cards under a comment", () => {
  it("three agents mentioned in one comment get their cards in mention order, live and after a reload; long answers collapse", async () => {
    await editor().click();
    await page.keyboard.type("@claude-opus @claude-sonnet @claude-haiku [script:long] explain at length");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 3 agents" }).click();

    await expect.poll(cardNames, { timeout: 15_000 }).toHaveLength(3);
    expect(await cardNames()).toEqual(MENTIONED);
    for (const name of MENTIONED) await expect.poll(() => statusOf(card(name)), { timeout: 150_000, interval: 250 }).toBe("Completed");
    expect(await cardNames()).toEqual(MENTIONED);

    // A long answer is clamped to ~25 lines with a fade; "Show all" opens it, "Show less" closes it.
    const answer = card("Claude Opus").getByTestId("agent-answer");
    await expect.poll(() => answer.getAttribute("data-collapsed")).toBe("true");
    const clamped = await answer.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight, line: parseFloat(getComputedStyle(el).lineHeight) }));
    expect(clamped.scroll).toBeGreaterThan(clamped.client);
    expect(clamped.client).toBeGreaterThan(0);
    expect(clamped.client).toBeLessThanOrEqual((Number.isFinite(clamped.line) ? clamped.line : 24) * 25 + 1);
    await page.screenshot({ path: path.join(shotsDir, "card-layout-collapsed.png"), fullPage: true });
    await card("Claude Opus").getByRole("button", { name: "Show all" }).click();
    await expect.poll(() => answer.getAttribute("data-collapsed")).toBe("false");
    const open = await answer.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
    expect(open.client).toBe(open.scroll);
    expect(open.client).toBeGreaterThan(clamped.client);
    await card("Claude Opus").getByRole("button", { name: "Show less" }).click();
    await expect.poll(() => answer.evaluate((el) => el.clientHeight)).toBe(clamped.client);

    await gotoHydrated(page, issueUrl); // a reload: the cards as the server renders them
    expect(await cardNames()).toEqual(MENTIONED);
    for (const name of MENTIONED) await expect.poll(() => card(name).getByRole("button", { name: "Show all" }).count()).toBe(1);
  }, 240_000);

  it("a failed run shows its reason once, live and after a reload", async () => {
    await editor().click();
    await page.keyboard.type("@claude-sonnet [script:error] fail for me");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();

    const failed = () => card("Claude Sonnet").last();
    await expect.poll(() => statusOf(failed()), { timeout: 90_000, interval: 250 }).toBe("Failed");
    // The banner arrives with the stored card; then the card holds the reason exactly once.
    await expect.poll(() => failed().getByRole("alert").count(), { timeout: 10_000 }).toBe(1);
    expect(await failed().getByRole("alert").innerText()).toContain(REASON);
    expect(occurrences(await failed().innerText(), REASON)).toBe(1);
    await failed().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shotsDir, "card-layout-failed.png"), fullPage: true });

    await gotoHydrated(page, issueUrl); // a reload: the cards as the server renders them
    expect(occurrences(await failed().innerText(), REASON)).toBe(1);
    expect(await cardNames()).toEqual([...MENTIONED, "Claude Sonnet"]);
  }, 150_000);
});

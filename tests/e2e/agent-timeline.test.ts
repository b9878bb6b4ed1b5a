import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider } from "./support/agents";


// The issue page with real agents: the production server's embedded worker runs the real Claude
// Code and Gemini CLI in their Docker images against the scripted model APIs of global-setup.ts.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `timeline-${tag}`;
const shots = shotsDir;

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
let issueUrl = "";

const card = (name: RegExp | string) => page.getByRole("listitem", { name });
const editor = () => page.getByRole("textbox", { name: "Comment" });
const statusOf = (c: Locator) => c.getByRole("status").first().innerText();
/** The numbers of the "Line N of the slow answer." sentences a card shows, in order. */
const slowLines = async (c: Locator) => [...(await c.innerText()).matchAll(/Line (\d+) of the slow answer\./g)].map((m) => Number(m[1]));

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Tia Lead", email: uniqueEmail("tia"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Timeline ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Explain the answer", description: "What is it?" });
  expect(issue.status).toBe(201);
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  await connectProvider(admin, slug, "gemini", `ya29.a0${randomBytes(120).toString("base64url")}`);
  const skill = await admin.post(`/api/workspaces/${slug}/agent/skills`, { name: "Explain", trigger: "explain", description: "Explain the code", instructions: "Explain **briefly**." });
  expect(skill.status).toBe(201);
  issueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;

  page = await browserPage.open(baseUrl, admin);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("the agent timeline in the browser", () => {
  it("@cla suggests Claude agents grouped under Anthropic, then skills after the pick; the card streams and settles into the answer", async () => {
    await editor().click();
    await page.keyboard.type("@cla");
    const menu = page.getByRole("listbox", { name: "Mention suggestions" });
    await expect.poll(() => menu.getByRole("option").allInnerTexts()).toEqual([
      expect.stringContaining("Claude Opus"),
      expect.stringContaining("Claude Sonnet"),
      expect.stringContaining("Claude Haiku"),
    ]);
    expect(await menu.innerText()).toContain("ANTHROPIC");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => menu.getByRole("option").allInnerTexts()).toEqual([expect.stringContaining("No skill"), expect.stringContaining("Explain")]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.keyboard.type("[script:plain] what is the answer?");
    // The picked agent and skill are one chip.
    expect(await editor().innerText()).toBe("@Claude Sonnet :explain [script:plain] what is the answer?");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();

    const c = card("Agent session Claude Sonnet :explain");
    await c.waitFor();
    expect((await editor().innerText()).trim()).toBe(""); // the editor clears once the comment is saved
    await expect.poll(() => statusOf(c), { timeout: 90_000, interval: 250 }).toBe("Completed");
    await expect.poll(() => c.getByTestId("agent-answer").innerText()).toContain("The answer is 42.");
    expect(await c.locator("footer").innerText()).toMatch(/1\.2k in · 56 out/);
    expect(await c.locator("footer").innerText()).toMatch(/\$0\.\d+/);
  }, 120_000);

  it("two agents from one comment (one mentioned, one from the mode bar) stream side by side", async () => {
    await page.getByRole("switch", { name: "Agent mode" }).click();
    await page.getByRole("button", { name: "+ Add" }).click();
    await page.getByRole("menuitemcheckbox", { name: "Gemini Pro" }).click();
    await editor().click();
    await page.keyboard.type("@claude [script:slow] tell the slow story");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 2 agents" }).click();

    const claude = card("Agent session Claude Sonnet");
    const gemini = card("Agent session Gemini Pro");
    // Both CLIs stream token pieces, so each card's text grows while its run goes on.
    for (const c of [claude.last(), gemini]) {
      await expect.poll(async () => (await slowLines(c)).length, { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(3);
      expect(await statusOf(c)).not.toBe("Completed");
    }
    await page.screenshot({ path: path.join(shots, "timeline-mid-stream.png"), fullPage: true });
    for (const c of [claude.last(), gemini]) {
      await expect.poll(() => statusOf(c), { timeout: 90_000, interval: 250 }).toBe("Completed");
      expect(await slowLines(c)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(await c.innerText()).toContain("Slow answer complete.");
    }
  }, 180_000);

  it("Cancel stops a run and the card says cancelled", async () => {
    await editor().click();
    await page.keyboard.type("@gemini-flash [script:slow] start and be stopped");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();
    const c = card("Agent session Gemini Flash");
    await expect.poll(async () => (await slowLines(c)).length, { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    await c.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => statusOf(c), { timeout: 15_000 }).toBe("Cancelled");
    expect(await c.getByRole("alert").innerText()).toContain("Cancelled by Tia Lead.");
    expect(await c.getByRole("button", { name: "Cancel" }).count()).toBe(0);
    const before = (await slowLines(c)).length;
    await page.waitForTimeout(1500);
    expect((await slowLines(c)).length).toBe(before); // nothing streams after the cancel
  }, 120_000);

  it("a reload mid-stream resumes with every piece of text exactly once", async () => {
    await editor().click();
    await page.keyboard.type("@gemini-pro [script:slow] survive a reload");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();
    const c = () => card("Agent session Gemini Pro").last();
    await expect.poll(async () => (await slowLines(c())).length, { timeout: 90_000, interval: 200 }).toBeGreaterThanOrEqual(5);
    await page.reload();
    // Mid-run after the reload: the replay and the live tail join without a gap or a repeat.
    await expect.poll(async () => (await slowLines(c())).length, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(20);
    const lines = await slowLines(c());
    expect(lines).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    await expect.poll(() => statusOf(c()), { timeout: 90_000, interval: 250 }).toBe("Completed");
    expect(await slowLines(c())).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  }, 180_000);

  it("a refused agent shows the server's reason next to the editor and keeps the typed comment", async () => {
    await editor().click();
    await page.keyboard.type("@claude:nope please fix");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();
    await expect.poll(() => page.getByRole("alert").allInnerTexts()).toContainEqual(expect.stringContaining('Unknown skill "nope"'));
    expect(await editor().innerText()).toBe("@claude:nope please fix");
  });
});

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { gotoHydrated } from "./pages/browser";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { connectProvider, waitForSession } from "./support/agents";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";

// The inbox in the browser: the e2e server's embedded worker runs a real Claude Code session for
// Ivy; its end, and mentions of her by Max, show in her inbox with the sidebar's unread count.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `inbox-${tag}`;
const browserPage = signedInBrowser();
let page: Page;
let ivy: ApiClient;
let max: ApiClient;
let key = "";

const unreadBadge = () => page.getByRole("navigation", { name: "Workspace" }).getByTestId("inbox-unread");
const badgeText = async () => ((await unreadBadge().count()) ? await unreadBadge().innerText() : "");
const item = (title: string) => page.getByRole("listitem", { name: title });
const comment = (from: ApiClient, text: string) => from.post(`/api/workspaces/${slug}/issues/${key}/comments`, { text });
const inboxOf = async (who: ApiClient) => (await who.get(`/api/workspaces/${slug}/inbox`)).body as { unread: number; items: { title: string; href: string; read: boolean }[] };

beforeAll(async () => {
  ({ client: ivy } = await signUpAndIn(baseUrl, { name: "Ivy Lead", email: uniqueEmail("ivy"), password: "correct horse battery" }));
  const maxUser = { name: "Max Member", email: uniqueEmail("max"), password: "correct horse battery" };
  ({ client: max } = await signUpAndIn(baseUrl, maxUser));
  expect((await ivy.post("/api/workspaces", { name: `Inbox ${tag}`, slug })).status).toBe(201);
  expect((await ivy.post(`/api/workspaces/${slug}/members`, { email: maxUser.email, role: "member" })).status).toBe(201);
  expect((await ivy.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await ivy.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Totals are off by a cent", description: "" });
  key = issue.body.issue.key;
  await connectProvider(ivy, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  page = await browserPage.open(baseUrl, ivy);
}, 120_000);

describe("the inbox", () => {
  it("an agent run that ends shows in its starter's inbox with the unread count, and its item opens the card", async () => {
    const r = await comment(ivy, "@claude [script:plain] what is the answer?");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const sessionId = r.body.sessions[0].id as string;
    await waitForSession(ivy, slug, sessionId, ["completed"], 90_000);

    await gotoHydrated(page, `${baseUrl}/${slug}`);
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("1");
    await page.getByRole("link", { name: "Inbox, 1 unread" }).click();
    await page.waitForURL(`${baseUrl}/${slug}/inbox`);
    const row = item("Claude Sonnet finished");
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Completed/);
    expect(await row.innerText()).toContain(`${key} · Totals are off by a cent`);
    expect(await page.getByTestId("inbox-summary").innerText()).toBe("1 unread");
    await page.screenshot({ path: path.join(shotsDir, "inbox.png") });

    await row.getByRole("link").click();
    await page.waitForURL(`${baseUrl}/${slug}/issue/${key}#session-${sessionId}`);
    await page.getByRole("listitem", { name: "Agent session Claude Sonnet" }).waitFor();
    // Opening it read it: the count is gone, here and after a reload.
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("");
    expect((await inboxOf(ivy)).items[0]!.read).toBe(true);
  }, 150_000);

  it("a mention of a person reaches that person's inbox, once; the author's own mention does not", async () => {
    const r = await comment(max, "@IvyLead can you check the rounding? @IvyLead (cc @MaxMember)");
    expect(r.status).toBe(201);
    await gotoHydrated(page, `${baseUrl}/${slug}/inbox`);
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("1");
    const row = item("Max Member mentioned you");
    expect(await row.getByRole("link").getAttribute("href")).toBe(`/${slug}/issue/${key}#comment-${r.body.comment.id}`);
    expect(await row.innerText()).toContain("Mention");
    expect((await inboxOf(max)).items).toEqual([]);
  });

  it("editing a comment offers the same @ menu; the person picked there gets an item", async () => {
    expect((await comment(ivy, "First draft of the plan")).status).toBe(201);
    await gotoHydrated(page, `${baseUrl}/${slug}/issue/${key}`);
    const mine = page.getByRole("listitem", { name: "Comment by Ivy Lead" }).filter({ hasText: "First draft of the plan" });
    await mine.getByRole("button", { name: "Edit" }).click();
    const editor = mine.getByRole("textbox", { name: "Comment" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" for @Ma");
    const menu = page.getByRole("listbox", { name: "Mention suggestions" });
    await expect.poll(() => menu.getByRole("option").allInnerTexts(), { timeout: 10_000 }).toEqual([expect.stringContaining("Max Member")]);
    expect(await menu.innerText()).toContain("PEOPLE");
    await page.screenshot({ path: path.join(shotsDir, "inbox-edit-mention.png") });
    await page.keyboard.press("Enter");
    expect(await editor.innerText()).toContain("First draft of the plan for @Max Member");
    expect(await editor.locator('[data-type="mention"]').count()).toBe(1);
    await mine.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => mine.locator(".prose-comment").innerText(), { timeout: 10_000 }).toContain("First draft of the plan for @Max Member");
    await expect.poll(async () => (await inboxOf(max)).items.map((i) => i.title), { timeout: 10_000 }).toEqual(["Ivy Lead mentioned you"]);
  });

  it("mark read, mark unread and mark all read; the sidebar count follows and a reload keeps it", async () => {
    for (const n of [1, 2, 3]) expect((await comment(max, `@IvyLead note ${n}`)).status).toBe(201);
    await gotoHydrated(page, `${baseUrl}/${slug}/inbox`);
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("4");
    const summary = page.getByTestId("inbox-summary");
    expect(await summary.innerText()).toBe("4 unread");

    const first = page.getByRole("listitem", { name: "Max Member mentioned you" }).first();
    await first.getByRole("button", { name: /^Mark ".*" read$/ }).click();
    await expect.poll(() => summary.innerText(), { timeout: 10_000 }).toBe("3 unread");
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("3");
    await first.getByRole("button", { name: /^Mark ".*" unread$/ }).click();
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("4");

    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect.poll(() => summary.innerText(), { timeout: 10_000 }).toBe("All read");
    await expect.poll(badgeText, { timeout: 10_000 }).toBe("");
    await gotoHydrated(page, `${baseUrl}/${slug}/inbox`);
    expect(await summary.innerText()).toBe("All read");
    expect(await page.locator('li[data-read="false"]').count()).toBe(0);
    expect(await badgeText()).toBe("");
  });

  it("with notifications allowed, an agent that ends while the tab is hidden raises a browser notification", async () => {
    // The browser's notification centre is outside the app: record what the page asks it to show,
    // and let the test say when the tab is hidden.
    await page.context().addInitScript(() => {
      const w = window as unknown as { __hidden?: boolean; __notes: { title: string; body?: string }[] };
      w.__notes = [];
      Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => w.__hidden === true });
      class RecordedNotification {
        static permission = "granted";
        static requestPermission = async () => "granted";
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          w.__notes.push({ title, body: options?.body });
        }
        close() {}
      }
      Object.defineProperty(window, "Notification", { configurable: true, value: RecordedNotification });
    });
    await gotoHydrated(page, `${baseUrl}/${slug}/inbox`);
    expect(await page.getByText("Browser notifications on").count()).toBe(1);
    const notes = () => page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes);
    await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));

    const r = await comment(ivy, "@claude [script:plain] and now?");
    await waitForSession(ivy, slug, r.body.sessions[0].id, ["completed"], 90_000);
    // The count is re-read every 20 s: the next read finds the new item and tells the browser.
    await expect.poll(notes, { timeout: 45_000, interval: 1_000 }).toEqual([{ title: "Claude Sonnet finished", body: `${key} Totals are off by a cent` }]);
    // Mentions do not raise notifications, and an item is told once.
    expect((await comment(max, "@IvyLead one more")).status).toBe(201);
    await page.waitForTimeout(22_000);
    expect(await notes()).toHaveLength(1);
  }, 180_000);
});

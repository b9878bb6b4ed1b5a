import { randomBytes } from "node:crypto";
import type { Page, Route } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient, type Json } from "./support/api-client";
import { signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated } from "./pages/browser";
import { connectProvider } from "./support/agents";

// The issue page's comment editor: nothing typed is lost (drafts across reloads, a locked editor
// while a comment is on its way, the text kept when sending fails), and mentions picked as chips.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `drafts-${tag}`;

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
let issueKey = "";
let issueId = "";
let issueUrl = "";

const editor = () => page.getByRole("textbox", { name: "Comment" });
/** The editor's text; an empty editor holds one empty paragraph ("\n"). */
const editorText = async () => (await editor().innerText()).trim();
const userComments = async (): Promise<Json[]> =>
  (await admin.get(`/api/workspaces/${slug}/issues/${issueKey}/comments`)).body.comments.filter((c: Json) => c.author.type === "user");
const paragraphs = (doc: Json): string[] => (doc.content ?? []).map((p: Json) => (p.content ?? []).map((n: Json) => n.text ?? "").join(""));
/** The comment is sent by a server action: a POST to the issue page with a Next-Action header. */
const isSend = (route: Route) => route.request().method() === "POST" && !!route.request().headers()["next-action"];

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Dee Writer", email: uniqueEmail("dee"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Drafts ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  const issue = await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title: "Write without losing", description: "x" });
  expect(issue.status).toBe(201);
  issueKey = issue.body.issue.key;
  issueId = issue.body.issue.id;
  issueUrl = `${baseUrl}/${slug}/issue/${issueKey}`;
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  page = await browserPage.open(baseUrl, admin);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("the comment editor keeps what was typed", () => {
  it("an unsent draft comes back after a reload", async () => {
    await editor().click();
    await page.keyboard.type("a draft that must survive");
    await gotoHydrated(page, issueUrl);
    await expect.poll(() => editorText()).toBe("a draft that must survive");
    // Emptied, nothing comes back.
    await editor().click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Backspace");
    await gotoHydrated(page, issueUrl);
    await expect.poll(() => editorText()).toBe("");
  }, 60_000);

  it("typing during a slow send is never cleared with the sent comment; the comment is exactly the first text", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await page.route(issueUrl, async (route) => {
      if (!isSend(route)) return route.continue();
      await released;
      await route.continue();
    });
    await editor().click();
    await page.keyboard.type("first text");
    await page.keyboard.press("ControlOrMeta+Enter");
    await page.getByRole("status").filter({ hasText: "Sending…" }).waitFor();
    await page.keyboard.type(" typed while sending");
    const accepted = (await editorText()).includes("typed while sending");
    release();
    await expect.poll(async () => (await userComments()).length, { timeout: 15_000 }).toBe(1);
    expect(paragraphs((await userComments())[0].body)).toEqual(["first text"]);
    await page.getByRole("button", { name: "Comment", exact: true }).waitFor();
    // Typing was refused while the editor was locked, or kept: never a piece of either cleared away.
    const left = await editorText();
    if (accepted) expect(left).toBe("typed while sending");
    else expect(left).toBe("");
    await page.unroute(issueUrl);
    // The draft of a sent comment is gone: a reload shows only what is left.
    await gotoHydrated(page, issueUrl);
    await expect.poll(() => editorText()).toBe(left);
    await editor().click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Backspace");
  }, 60_000);

  for (const status of [500, 400]) {
    it(`a send answered ${status} keeps the text and says so next to the editor`, async () => {
      await page.route(issueUrl, (route) => (isSend(route) ? route.fulfill({ status, contentType: "text/plain", body: "no" }) : route.continue()));
      const before = (await userComments()).length;
      await editor().click();
      await page.keyboard.type(`keep me ${status}`);
      await page.getByRole("button", { name: "Comment", exact: true }).click();
      await expect.poll(() => page.getByRole("alert").filter({ hasText: "could not be sent" }).count()).toBe(1);
      expect(await editorText()).toBe(`keep me ${status}`);
      await page.unroute(issueUrl);
      // The editor is usable again and the same text sends.
      await page.getByRole("button", { name: "Comment", exact: true }).click();
      await expect.poll(async () => (await userComments()).length, { timeout: 15_000 }).toBe(before + 1);
      expect(paragraphs((await userComments()).at(-1).body)).toEqual([`keep me ${status}`]);
      await expect.poll(() => editorText()).toBe("");
    }, 60_000);
  }
});

describe("mentions picked from the menu are chips", () => {
  const chips = () => editor().locator('span[data-type="mention"]');

  it("picking an agent makes one chip; one Backspace deletes it whole", async () => {
    await editor().click();
    await page.keyboard.type("@claude-op");
    const menu = page.getByRole("listbox", { name: "Mention suggestions" });
    await expect.poll(() => menu.getByRole("option").allInnerTexts()).toEqual([expect.stringContaining("Claude Opus")]);
    await page.keyboard.press("Enter");
    await expect.poll(() => chips().count()).toBe(1);
    expect(await chips().innerText()).toBe("@Claude Opus");
    expect(await chips().getAttribute("data-provider")).toBe("claude");
    expect(await chips().getAttribute("data-variant")).toBe("opus");
    expect(await editorText()).toBe("@Claude Opus");
    await page.keyboard.press("Backspace"); // the space after the chip
    expect(await chips().count()).toBe(1);
    await page.keyboard.press("Backspace");
    expect(await chips().count()).toBe(0);
    expect(await editorText()).toBe("");
  }, 60_000);

  it("a comment with a picked agent starts that agent's session", async () => {
    await editor().click();
    await page.keyboard.type("@claude-op");
    await page.getByRole("listbox", { name: "Mention suggestions" }).getByRole("option").first().waitFor();
    await page.keyboard.press("Enter");
    await expect.poll(() => chips().count()).toBe(1);
    await page.keyboard.type("[script:plain] from a chip");
    await page.getByRole("button", { name: "Send to 1 agent" }).click();
    await expect.poll(() => editorText(), { timeout: 15_000 }).toBe("");

    const comment = (await userComments()).at(-1);
    expect(comment.body.content[0].content[0]).toMatchObject({ type: "mention", attrs: { kind: "agent", provider: "claude", variant: "opus", skill: null, label: "Claude Opus" } });
    expect(comment.body_html).toContain('data-provider="claude"');
    const sessions = (await admin.get(`/api/workspaces/${slug}/agent/sessions?issue_id=${issueId}`)).body.sessions.filter((s: Json) => s.trigger_comment_id === comment.id);
    expect(sessions.map((s: Json) => s.model)).toEqual(["claude-opus-4-6"]);
    // The timeline shows the sent comment with its chip.
    await page.locator('.prose-comment span[data-type="mention"][data-provider="claude"]').first().waitFor();
  }, 60_000);
});

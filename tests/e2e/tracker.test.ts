import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { formAlert } from "./pages/alerts";
import { SignInPage, SignUpPage } from "./pages/auth-pages";
import { waitForHydration } from "./pages/browser";
import { browserPages } from "./pages/browser-pages";
import { HomePage, IssuePage, ProjectPage, WorkspacePage } from "./pages/workspace-pages";

const baseUrl = inject("baseUrl");
const password = "correct horse battery";
const tag = randomBytes(3).toString("hex");
const person = (name: string) => ({ name, email: `${name.toLowerCase()}-${tag}@example.test`, password });

async function signUpOverApi(user: { name: string; email: string; password: string }) {
  const res = await fetch(`${baseUrl}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
  expect(res.status).toBe(201);
}

const newPage = browserPages();

describe("a team uses the tracker in the browser", () => {
  const alice = person("Alice");
  const bob = person("Bob");
  const carol = person("Carol");
  const slug = `acme-${tag}`;
  let alicePage: Page;
  let issueKey = "";

  it("signs up, creates a workspace, a project and an issue", async () => {
    alicePage = await newPage();
    await new SignUpPage(alicePage, baseUrl).signUp(alice);
    await expect.poll(() => alicePage.getByText("You are not in any workspace yet").count()).toBe(1);

    await new HomePage(alicePage, baseUrl).createWorkspace("Acme", slug);
    await alicePage.waitForURL(`${baseUrl}/${slug}`);
    await expect.poll(() => alicePage.getByText("No projects yet").count()).toBe(1);

    await new WorkspacePage(alicePage, baseUrl, slug).createProject({ name: "Website", identifier: "WEB", repository: "acme/website" });
    await expect.poll(() => alicePage.getByText("No issues yet").count()).toBe(1);

    const project = new ProjectPage(alicePage, baseUrl, slug, "WEB");
    issueKey = await project.createIssue("Login button does nothing", "Clicking **Sign in** does nothing.\n\n- Chrome\n- Firefox\n\n<script>window.__xss = 1</script>");
    expect(issueKey).toBe("WEB-1");
    await expect.poll(() => alicePage.getByRole("heading", { name: "Login button does nothing" }).count()).toBe(1);
    expect(await alicePage.locator(".prose-markdown strong").textContent()).toBe("Sign in");
    expect(await alicePage.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    await project.goto();
    expect(await project.issueRows().allTextContents()).toEqual([expect.stringContaining("WEB-1")]);
  });

  it("shows an inline error for a taken slug and for a missing issue title", async () => {
    const home = new HomePage(alicePage, baseUrl);
    await home.createWorkspace("Another", slug);
    await expect.poll(() => formAlert(alicePage).textContent()).toContain(`"${slug}" is already taken`);
    expect(alicePage.url()).toBe(`${baseUrl}/`);

    const project = new ProjectPage(alicePage, baseUrl, slug, "WEB");
    await project.goto();
    const dialog = await project.openNewIssue();
    await dialog.getByRole("button", { name: "Create issue" }).click();
    await expect.poll(() => formAlert(dialog).textContent()).toBe("Title is required.");
  });

  it("comments with formatting, edits the comment, and changes the state", async () => {
    const issue = new IssuePage(alicePage, baseUrl, slug, issueKey);
    await issue.goto();
    await issue.comment({ text: "I can reproduce this. ", bold: "Priority!" });
    await expect.poll(() => issue.comments().count()).toBe(1);
    const first = issue.comments().first();
    expect(await first.locator("strong").textContent()).toBe("Priority!");
    expect(await first.textContent()).toContain("Alice");
    expect(await first.textContent()).toContain("just now");
    expect(await issue.editor().textContent()).toBe("");

    await issue.comment({ text: "Second thought." });
    await expect.poll(() => issue.comments().count()).toBe(2);

    await first.getByRole("button", { name: "Edit" }).click();
    const editBox = first.getByRole("textbox", { name: "Comment" });
    await editBox.click();
    await editBox.press("Control+End");
    await alicePage.keyboard.type(" Fixed in the next release.");
    await first.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => first.textContent()).toContain("edited");

    await issue.setState("In progress");
    await alicePage.reload();
    await waitForHydration(alicePage);
    const texts = await issue.comments().allTextContents();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("Priority! Fixed in the next release.");
    expect(texts[1]).toContain("Second thought.");
    expect(await alicePage.getByRole("combobox", { name: "State" }).inputValue()).toBe("in_progress");

    fs.mkdirSync("test-results", { recursive: true });
    await alicePage.screenshot({ path: path.join("test-results", "issue-page.png"), fullPage: true });
  });

  it("a guest reads the issue but sees no editor and no New issue button", async () => {
    await signUpOverApi(bob);
    await new WorkspacePage(alicePage, baseUrl, slug).addMember(bob.email, "guest");

    const page = await newPage();
    await new SignInPage(page, baseUrl).signIn(bob.email, bob.password, `/${slug}/issue/${issueKey}`);
    const issue = new IssuePage(page, baseUrl, slug, issueKey);
    await expect.poll(() => page.getByRole("heading", { name: "Login button does nothing" }).count()).toBe(1);
    await expect.poll(() => issue.comments().count()).toBe(2);
    await expect.poll(() => page.getByText("You have guest access").count()).toBe(1);
    // Absence checks only mean something once the page has hydrated (the editor is client-rendered):
    // the page's live connection is opened by its stores, after hydration. (The network never idles
    // on an issue page: that connection stays open.)
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.live ?? null)).not.toBeNull();
    expect(await issue.editor().count()).toBe(0);
    expect(await page.getByRole("button", { name: "Edit" }).count()).toBe(0);

    const project = new ProjectPage(page, baseUrl, slug, "WEB");
    await project.goto();
    await expect.poll(() => project.issueRows().count()).toBe(1);
    await page.waitForLoadState("networkidle");
    expect(await project.newIssueButton().count()).toBe(0);
  });

  it("a non-member gets 404 for the workspace, its project and its issue", async () => {
    await signUpOverApi(carol);
    const page = await newPage();
    await new SignInPage(page, baseUrl).signIn(carol.email, carol.password);
    for (const url of [`/${slug}`, `/${slug}/members`, `/${slug}/projects/WEB`, `/${slug}/issue/${issueKey}`, `/no-such-workspace-${tag}`]) {
      const res = await page.goto(`${baseUrl}${url}`);
      expect(res?.status(), url).toBe(404);
      await expect.poll(() => page.getByRole("heading", { name: "Page not found" }).count()).toBe(1);
      const html = await page.content();
      expect(html).not.toContain("Acme");
      expect(html).not.toContain("Login button does nothing");
    }
  });

  it("a wrong password is refused with a clear message", async () => {
    const page = await newPage();
    const signIn = new SignInPage(page, baseUrl);
    await page.goto(`${baseUrl}/signin`);
    await page.getByLabel("Email").fill(alice.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await signIn.expectError("Wrong email or password.");
  });

  it("signs out", async () => {
    await alicePage.goto(`${baseUrl}/`);
    await alicePage.getByRole("button", { name: "Sign out" }).click();
    await alicePage.waitForURL(/\/signin/);
    await alicePage.goto(`${baseUrl}/${slug}`);
    expect(alicePage.url()).toContain("/signin?callbackUrl=");
  });
});

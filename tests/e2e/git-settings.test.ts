import path from "node:path";
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { formAlert } from "./pages/alerts";
import { SignInPage, SignUpPage } from "./pages/auth-pages";
import { browserPages } from "./pages/browser-pages";
import { GitSettingsPage } from "./pages/git-settings-page";
import { HomePage, WorkspacePage } from "./pages/workspace-pages";
import { signIn, signUp } from "./support/api-client";

// Settings → Git in the browser, against the GitHub stand-in that global-setup points
// DISPATCH_GITHUB_* at: an admin connects GitHub with a pasted installation token and by OAuth,
// picks each project's repository and sees whether agents can push to it; a member reads it all.

const baseUrl = inject("baseUrl");
const githubUrl = inject("githubUrl");
const password = "correct horse battery";
const tag = randomBytes(3).toString("hex");
const slug = `git-ui-${tag}`;
const owner = `acme-${tag}`;
const person = (name: string) => ({ name, email: `${name.toLowerCase()}-${tag}@example.test`, password });
const alnum = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("");
const INSTALLATION_TOKEN = `ghs_${alnum(36)}`;
const PERSONAL_TOKEN = `ghp_${alnum(36)}`;

/** expect.poll with room for a server round trip (and a call to the stand-in) on a busy machine. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });

type StandInState = { requests: { method: string; path: string; query: Record<string, string>; body: unknown }[] };

/** The stand-in's control API: set up repositories and tokens, make consent deny, read what it received. */
async function standIn<T = unknown>(method: "GET" | "POST", what: string, body?: unknown): Promise<T> {
  const res = await fetch(`${githubUrl}/__standin/${what}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stand-in ${method} /__standin/${what} answered ${res.status}: ${await res.text()}`);
  return (await res.json().catch(() => null)) as T;
}

const newPage = browserPages();

beforeAll(async () => {
  await standIn("POST", "repos", { full_name: `${owner}/website`, files: { "README.md": "# Website\n" } });
  await standIn("POST", "tokens", { token: INSTALLATION_TOKEN, login: "dispatch-app[bot]", push: true });
});

describe("Git settings in the browser", () => {
  const alice = person("Alice");
  const bob = person("Bob");
  let page: Page;
  let git: GitSettingsPage;

  it("an admin opens Git from the sidebar and sees GitHub not connected", async () => {
    page = await newPage();
    await new SignUpPage(page, baseUrl).signUp(alice);
    await new HomePage(page, baseUrl).createWorkspace("Acme", slug);
    await page.waitForURL(`${baseUrl}/${slug}`);
    const workspace = new WorkspacePage(page, baseUrl, slug);
    await workspace.createProject({ name: "Website", identifier: "WEB" });
    await workspace.createProject({ name: "API", identifier: "API" });

    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Git", exact: true }).click();
    git = new GitSettingsPage(page, baseUrl, slug);
    await page.waitForURL(git.url);
    await git.hydrated();
    await eventually(() => page.getByRole("heading", { name: "Git", level: 1 }).count()).toBe(1);
    expect(await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Git" }).getAttribute("aria-current")).toBe("page");
    expect(await git.connectionStatus().textContent()).toBe("Not connected");
    // The e2e server has a GitHub OAuth app configured: the button is live.
    expect(await git.connectButton().isDisabled()).toBe(false);
    expect(await git.tokenField().count()).toBe(1);
    expect(await git.repositoryCheck("Website").textContent()).toContain("No repository");
  });

  it("refuses a personal access token beside the field, keeping what was pasted", async () => {
    await git.pasteToken(PERSONAL_TOKEN);
    await eventually(() => formAlert(git.tokenForm()).textContent()).toBe(
      "This is a personal access token. Dispatch connects GitHub by OAuth or with a GitHub App installation token (ghs_…), so pushes are not tied to one person's account.",
    );
    expect(await git.tokenField().inputValue()).toBe(PERSONAL_TOKEN);
    expect(await git.tokenField().getAttribute("aria-invalid")).toBe("true");
    expect(await git.connectionStatus().textContent()).toBe("Not connected");
  });

  it("connects with an installation token, showing who connected it and when it expires, never the token", async () => {
    await git.pasteToken(INSTALLATION_TOKEN);
    await eventually(() => git.connectionStatus().textContent()).toBe("Connected");
    const details = await git.connectionDetails().textContent();
    expect(details).toContain("Through a GitHub App installation token");
    expect(details).toContain("connected by Alice");
    expect(details).toMatch(/token expires in (1 hour|59 minutes|60 minutes)$/); // an installation token lasts an hour
    expect(await git.tokenField().count()).toBe(0);
    expect(await git.disconnectButton().count()).toBe(1);

    await git.reload();
    expect(await git.connectionStatus().textContent()).toBe("Connected");
    expect(await page.content()).not.toContain(INSTALLATION_TOKEN.slice(4));
  });

  it("a repository the connection can push to gets the green check; a missing one says it was not found", async () => {
    await git.setRepository("Website", `${owner}/website`);
    await eventually(() => git.repositoryCheck("Website").getAttribute("data-ok")).toBe("true");
    expect(await git.repositoryCheck("Website").textContent()).toContain(`Connected: agents can clone ${owner}/website and push branches to it.`);
    expect(await git.repositoryCheck("Website").getByRole("link", { name: "Open on GitHub" }).getAttribute("href")).toContain(`/${owner}/website`);

    // Not owner/name: the server's reason beside the field, the typed text kept.
    const api = git.repositoryForm("API");
    await git.setRepository("API", "not a repository");
    await eventually(() => formAlert(api).textContent()).toBe('repository must be a GitHub repository as "owner/name", e.g. "acme/api".');
    expect(await api.getByLabel("Repository", { exact: true }).inputValue()).toBe("not a repository");

    await git.setRepository("API", `${owner}/missing`);
    await eventually(() => git.repositoryCheck("API").textContent()).toContain(`${owner}/missing was not found, or the GitHub connection cannot see it.`);
    expect(await git.repositoryCheck("API").getAttribute("data-ok")).toBe("false");
    expect(await formAlert(api).count()).toBe(0);

    // The checks are made again when the page is rendered.
    await git.reload();
    expect(await git.repositoryCheck("Website").getAttribute("data-ok")).toBe("true");
    expect(await git.repositoryCheck("API").textContent()).toContain("was not found");
    expect(await git.repositoryForm("API").getByLabel("Repository", { exact: true }).inputValue()).toBe(`${owner}/missing`);

    fs.mkdirSync("test-results", { recursive: true });
    // A viewport as tall as the page: a fullPage capture draws the sticky sidebar where a scroll to the bottom would put it.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height });
    await page.screenshot({ path: path.join("test-results", "git-settings.png") });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("Reconnect GitHub by OAuth goes through GitHub and comes back connected as its login, with the success banner", async () => {
    await git.connectButton("Reconnect GitHub").click();
    await page.waitForURL((url) => url.pathname === `/${slug}/settings/git` && url.searchParams.get("connected") === "github");
    await git.hydrated();
    await eventually(() => git.banner().getAttribute("data-outcome")).toBe("connected");
    expect(await git.banner().textContent()).toContain("GitHub is connected as octocat");
    expect(await git.connectionStatus().textContent()).toBe("Connected");
    expect(await git.connectionDetails().textContent()).toContain("Acting as octocat");
    // Nothing secret travelled back in the address bar; the code was exchanged with the PKCE verifier.
    expect(page.url()).not.toMatch(/code=|state=|token/);
    const { requests } = await standIn<StandInState>("GET", "state");
    const exchange = requests.filter((r) => r.method === "POST" && r.path === "/login/oauth/access_token").at(-1);
    expect((exchange?.body as Record<string, string> | undefined)?.code_verifier).toBeTruthy();
  });

  it("a denied consent comes back with the denied banner and leaves the connection as it was", async () => {
    await standIn("POST", "deny", { deny: true });
    try {
      await git.connectButton("Reconnect GitHub").click();
      await page.waitForURL((url) => url.searchParams.get("oauth_error") === "denied");
      await git.hydrated();
      await eventually(() => git.banner().getAttribute("data-outcome")).toBe("denied");
      expect(await git.banner().textContent()).toContain("GitHub was not connected: access was denied");
      expect(await git.connectionStatus().textContent()).toBe("Connected");
    } finally {
      await standIn("POST", "deny", { deny: false });
    }
    await git.banner().getByRole("link", { name: "Dismiss this message" }).click();
    await eventually(() => git.banner().count()).toBe(0);
  });

  it("a member sees the connection and the repositories read-only: no buttons, no fields", async () => {
    expect((await signUp(baseUrl, bob)).status).toBe(201);
    const aliceApi = await signIn(baseUrl, alice);
    expect((await aliceApi.post(`/api/workspaces/${slug}/members`, { email: bob.email, role: "member" })).status).toBe(201);

    const bobPage = await newPage();
    await new SignInPage(bobPage, baseUrl).signIn(bob.email, bob.password, `/${slug}/settings/git`);
    await eventually(() => bobPage.getByText("Only workspace admins can change Git settings.").count()).toBe(1);
    const bobGit = new GitSettingsPage(bobPage, baseUrl, slug);
    expect(await bobGit.connectionStatus().textContent()).toBe("Connected");
    expect(await bobGit.connectionDetails().textContent()).toBe("Acting as octocat");
    const rows = bobPage.getByRole("list", { name: "Project repositories" }).getByRole("listitem");
    expect(await rows.filter({ hasText: "Website" }).textContent()).toContain(`${owner}/website`);
    expect(await rows.filter({ hasText: "Website" }).getByTestId("repository-check").getAttribute("data-ok")).toBe("true");
    expect(await rows.filter({ hasText: "API" }).getByTestId("repository-check").textContent()).toContain("was not found");

    await bobPage.waitForLoadState("networkidle");
    const main = bobPage.getByRole("main");
    expect(await main.getByRole("button").count()).toBe(0);
    expect(await main.getByRole("textbox").count()).toBe(0);
    expect(await main.textContent()).not.toMatch(/connected by|Alice|token expires/i);
    await bobPage.screenshot({ path: path.join("test-results", "git-settings-read-only.png"), fullPage: true });
  });

  it("disconnects GitHub after confirming, and the checks say so", async () => {
    await git.goto();
    expect(await git.clickConfirming(git.disconnectButton(), false)).toContain("Disconnect GitHub?");
    expect(await git.connectionStatus().textContent()).toBe("Connected");

    await git.clickConfirming(git.disconnectButton(), true);
    await eventually(() => git.connectionStatus().textContent()).toBe("Not connected");
    expect(await git.tokenField().count()).toBe(1);
    expect(await git.connectButton().isDisabled()).toBe(false);
    await eventually(() => git.repositoryCheck("Website").textContent()).toContain("GitHub is not connected");
    expect(await git.repositoryCheck("Website").getAttribute("data-ok")).toBe("false");
  });
});

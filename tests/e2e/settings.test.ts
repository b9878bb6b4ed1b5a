import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { formAlert } from "./pages/alerts";
import { SignInPage, SignUpPage } from "./pages/auth-pages";
import { browserPages } from "./pages/browser-pages";
import { AgentSettingsPage } from "./pages/settings-page";
import { HomePage } from "./pages/workspace-pages";
import { signIn, signUp } from "./support/api-client";

// The agent settings page in the browser: an admin connects Claude by pasting a token, tunes it,
// manages a skill; a member sees the same settings read-only.

const baseUrl = inject("baseUrl");
const password = "correct horse battery";
const tag = randomBytes(3).toString("hex");
const slug = `agents-ui-${tag}`;
const person = (name: string) => ({ name, email: `${name.toLowerCase()}-${tag}@example.test`, password });
const OAUTH_TOKEN = `sk-ant-oat01-${randomBytes(60).toString("base64url")}`; // 80 base64url characters
const API_KEY = `sk-ant-api03-${randomBytes(70).toString("base64url")}`;

/** expect.poll with room for a server round trip and a page refresh on a busy machine. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });

const newPage = browserPages();

describe("agent settings in the browser", () => {
  const alice = person("Alice");
  const bob = person("Bob");
  let page: Page;
  let settings: AgentSettingsPage;

  it("an admin opens agent Settings from the sidebar and sees every provider not connected", async () => {
    page = await newPage();
    await new SignUpPage(page, baseUrl).signUp(alice);
    await new HomePage(page, baseUrl).createWorkspace("Acme", slug);
    await page.waitForURL(`${baseUrl}/${slug}`);

    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Settings", exact: true }).click();
    settings = new AgentSettingsPage(page, baseUrl, slug);
    await page.waitForURL(settings.url);
    await settings.hydrated();
    await eventually(() => page.getByRole("heading", { name: "Agents", level: 1 }).count()).toBe(1);
    expect(await settings.connectionStatus("Claude").textContent()).toBe("Not connected");
    expect(await settings.connectionStatus("Gemini").textContent()).toBe("Not connected");
    // The e2e server configures OAuth for Claude only: Gemini's button says which variables are missing.
    expect(await settings.provider("Claude").getByRole("button", { name: "Connect with OAuth" }).isDisabled()).toBe(false);
    const oauth = settings.provider("Gemini").getByRole("button", { name: "Connect with OAuth" });
    expect(await oauth.isDisabled()).toBe(true);
    expect(await oauth.getAttribute("title")).toContain("DISPATCH_OAUTH_GEMINI_AUTHORIZE_URL");
  });

  it("refuses a pasted API key saying why, keeping what was pasted", async () => {
    await settings.pasteToken("Claude", API_KEY);
    await eventually(() => formAlert(settings.provider("Claude")).textContent()).toBe(
      "This looks like an API key (sk-ant-api…). Dispatch connects with OAuth only: run `claude setup-token` and paste the token it prints.",
    );
    expect(await settings.tokenField("Claude").inputValue()).toBe(API_KEY);
    expect(await settings.tokenField("Claude").getAttribute("aria-invalid")).toBe("true");
    expect(await settings.connectionStatus("Claude").textContent()).toBe("Not connected");
  });

  it("connects Claude with a setup-token, showing who connected it and never the token", async () => {
    await settings.pasteToken("Claude", OAUTH_TOKEN);
    await eventually(() => settings.connectionStatus("Claude").textContent()).toBe("Connected");
    const claude = settings.provider("Claude");
    expect(await claude.textContent()).toContain("Connected by Alice");
    expect(await claude.getByRole("button", { name: "Disconnect" }).count()).toBe(1);
    expect(await settings.tokenField("Claude").count()).toBe(0);

    await settings.reload();
    await eventually(() => settings.connectionStatus("Claude").textContent()).toBe("Connected");
    expect(await page.content()).not.toContain(OAUTH_TOKEN.slice(13, 45));
  });

  it("switches a variant off, and it stays off after a reload", async () => {
    const opus = settings.variantSwitch("Claude", "Claude Opus");
    expect(await opus.getAttribute("aria-checked")).toBe("true");
    await opus.click();
    await eventually(() => opus.getAttribute("aria-checked")).toBe("false");
    // Switches stay disabled while the change is on its way: reload only once it has landed.
    await eventually(() => opus.isEnabled()).toBe(true);
    await settings.reload();
    await eventually(() => settings.variantSwitch("Claude", "Claude Opus").getAttribute("aria-checked")).toBe("false");
    expect(await settings.variantSwitch("Claude", "Claude Sonnet").getAttribute("aria-checked")).toBe("true");
  });

  it("shows the server's message beside a timeout of 0, keeping the 0", async () => {
    await settings.setTimeoutMinutes("Claude", "0");
    const limits = settings.provider("Claude").getByRole("form", { name: "Claude limits" });
    await eventually(() => formAlert(limits).textContent()).toBe("Timeout must be between 1 and 120 minutes.");
    expect(await settings.timeoutField("Claude").inputValue()).toBe("0");
    expect(await settings.timeoutField("Claude").getAttribute("aria-invalid")).toBe("true");

    await settings.setTimeoutMinutes("Claude", "30");
    await eventually(() => limits.getByRole("status").textContent()).toBe("Saved");
    expect(await formAlert(limits).count()).toBe(0);
    await settings.reload();
    await eventually(() => settings.timeoutField("Claude").inputValue()).toBe("30");
  });

  it("creates a skill with Markdown instructions after previewing them; a bad trigger is shown inline, typed text kept", async () => {
    await page.getByRole("button", { name: "New skill" }).click();
    const form = settings.skillForm();
    const instructions = "## Steps\n\n1. **Reproduce** the failure\n2. Fix it and add a test\n\n<img src=x onerror=\"window.__xss = 1\">";
    await settings.fillSkill(form, { name: "Fix a bug", trigger: "claude", description: "Reproduce, fix, test", instructions });

    // A trigger that is an agent's name: refused beside the field, nothing typed is lost.
    await form.getByRole("button", { name: "Create skill" }).click();
    await eventually(() => formAlert(form).textContent()).toBe('The trigger "claude" is an agent\'s name; choose another.');
    expect(await form.getByLabel("Name", { exact: true }).inputValue()).toBe("Fix a bug");
    expect(await form.getByLabel("Instructions", { exact: true }).inputValue()).toBe(instructions);

    await form.getByLabel("Trigger").fill("fix-bug");
    expect(await formAlert(form).count()).toBe(0); // the message was about "claude"
    await form.getByRole("tab", { name: "Preview" }).click();
    const preview = form.getByRole("tabpanel");
    await eventually(() => preview.getByRole("heading", { name: "Steps" }).count()).toBe(1);
    expect(await form.getByLabel("Instructions", { exact: true }).isVisible()).toBe(false);
    expect(await preview.locator("strong").textContent()).toBe("Reproduce");
    expect(await preview.getByRole("listitem").count()).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    fs.mkdirSync("test-results", { recursive: true });
    await form.screenshot({ path: path.join("test-results", "settings-skill-preview.png") });

    await form.getByRole("button", { name: "Create skill" }).click();
    await eventually(() => settings.skillRows().count()).toBe(1);
    const row = settings.skillRows().first();
    expect(await row.textContent()).toContain("Fix a bug");
    expect(await row.textContent()).toContain(":fix-bug");
    expect(await row.textContent()).toContain("Autonomous");

    // A viewport as tall as the page: a fullPage capture draws the sticky sidebar where a scroll to the bottom would put it.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height });
    await page.screenshot({ path: path.join("test-results", "settings-page.png") });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("edits the skill in place", async () => {
    await page.getByRole("button", { name: "Edit Fix a bug" }).click();
    const form = settings.skillForm("Edit Fix a bug");
    expect(await form.getByLabel("Instructions", { exact: true }).inputValue()).toContain("## Steps");
    await form.getByLabel("Mode").selectOption("comment_only");
    // Approvals: unset (the provider's default) until the admin sets them; a bad tool name is named beside its box.
    const approvals = form.getByRole("group", { name: "Approvals" });
    expect(await approvals.getByLabel("Use the provider's default").isChecked()).toBe(true);
    expect(await approvals.getByRole("radio").count()).toBe(0);
    await approvals.getByLabel("Use the provider's default").uncheck();
    await approvals.getByLabel("Ask for commands matching…").check();
    await approvals.getByLabel("Commands that need approval").fill("rm\ngit push\n");
    await approvals.getByLabel("Ask before writing outside the work tree").check();
    await approvals.getByLabel("Always ask for these tools").fill("Web Fetch");
    await form.getByLabel("Wait for an answer (minutes)").fill("30");
    await form.getByRole("button", { name: "Save skill" }).click();
    await eventually(() => formAlert(approvals).textContent()).toContain("Tool 1:");
    await approvals.getByLabel("Always ask for these tools").fill("WebFetch");
    expect(await formAlert(approvals).count()).toBe(0);
    fs.mkdirSync("test-results", { recursive: true });
    await form.screenshot({ path: path.join("test-results", "settings-skill-approvals.png") });
    await form.getByRole("button", { name: "Save skill" }).click();
    await eventually(() => settings.skillRows().first().textContent()).toContain("Comment only");
    expect(await settings.skillRows().first().getByTestId("skill-approvals").textContent()).toBe("Approval: rm, git push, writes outside the work tree, WebFetch · waits 30 min");

    // The provider's default: saved, and still there after a reload.
    const claudeApprovals = settings.provider("Claude").getByRole("form", { name: "Claude approvals" });
    await claudeApprovals.getByLabel("Ask for every command").check();
    await claudeApprovals.getByRole("button", { name: "Save approvals" }).click();
    await eventually(() => claudeApprovals.getByRole("status").textContent()).toBe("Saved");
    await settings.reload();
    expect(await settings.provider("Claude").getByRole("form", { name: "Claude approvals" }).getByLabel("Ask for every command").isChecked()).toBe(true);
    await settings.provider("Claude").getByRole("form", { name: "Claude approvals" }).screenshot({ path: path.join("test-results", "settings-provider-approvals.png") });
  });

  it("a member sees what is enabled and connected, read-only: no buttons, no fields, no token", async () => {
    expect((await signUp(baseUrl, bob)).status).toBe(201);
    const aliceApi = await signIn(baseUrl, alice);
    expect((await aliceApi.post(`/api/workspaces/${slug}/members`, { email: bob.email, role: "member" })).status).toBe(201);

    const bobPage = await newPage();
    await new SignInPage(bobPage, baseUrl).signIn(bob.email, bob.password, `/${slug}/settings/agents`);
    await eventually(() => bobPage.getByText("Only workspace admins can change agent settings.").count()).toBe(1);
    const providers = bobPage.getByRole("list", { name: "Providers" });
    const claude = providers.getByRole("listitem").filter({ hasText: "Anthropic" }).first();
    expect(await claude.getByTestId("connection-status").textContent()).toBe("Connected");
    expect(await claude.getByRole("listitem").filter({ hasText: "@claude-opus" }).textContent()).toContain("disabled");
    expect(await bobPage.getByRole("list", { name: "Skills" }).textContent()).toContain(":fix-bug");

    await bobPage.waitForLoadState("networkidle");
    const main = bobPage.getByRole("main");
    expect(await main.getByRole("button").count()).toBe(0);
    expect(await main.getByRole("switch").count()).toBe(0);
    expect(await main.getByRole("textbox").count()).toBe(0);
    expect(await main.getByRole("spinbutton").count()).toBe(0);
    const html = await bobPage.content();
    expect(html).not.toContain(OAUTH_TOKEN.slice(13, 45));
    expect(html).not.toContain("Connected by");
    await bobPage.screenshot({ path: path.join("test-results", "settings-read-only.png"), fullPage: true });
  });

  it("deletes the skill only after confirming", async () => {
    await settings.goto();
    const del = page.getByRole("button", { name: "Delete Fix a bug" });
    expect(await settings.clickConfirming(del, false)).toContain('Delete the skill "Fix a bug"');
    await page.waitForLoadState("networkidle");
    expect(await settings.skillRows().count()).toBe(1);

    await settings.clickConfirming(del, true);
    await eventually(() => page.getByText("No skills yet", { exact: true }).count()).toBeGreaterThan(0);
    expect(await settings.skillRows().count()).toBe(0);
  });

  it("disconnects Claude after confirming", async () => {
    expect(await settings.clickConfirming(settings.provider("Claude").getByRole("button", { name: "Disconnect" }), true)).toContain("Disconnect Claude?");
    await eventually(() => settings.connectionStatus("Claude").textContent()).toBe("Not connected");
    expect(await settings.tokenField("Claude").count()).toBe(1);
    expect(await settings.provider("Claude").textContent()).not.toContain("Connected by");
  });
});

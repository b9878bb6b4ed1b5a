import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SignUpPage } from "./pages/auth-pages";
import { launchChromium } from "./pages/browser";
import { AgentSettingsPage } from "./pages/settings-page";
import { HomePage } from "./pages/workspace-pages";

// Connect with OAuth in the browser, against the stand-in authorization server that
// global-setup points DISPATCH_OAUTH_CLAUDE_* at: its consent page, Allow or Deny, and back.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `oauth-ui-${tag}`;
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });

let browser: Browser;
let context: BrowserContext;
let page: Page;
let settings: AgentSettingsPage;

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  await new SignUpPage(page, baseUrl).signUp({ name: "Olive", email: `olive-${tag}@example.test`, password: "correct horse battery" });
  await new HomePage(page, baseUrl).createWorkspace("OAuth Co", slug);
  await page.waitForURL(`${baseUrl}/${slug}`);
  settings = new AgentSettingsPage(page, baseUrl, slug);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

const banner = () => page.getByTestId("oauth-banner");
const connectButton = (label = "Connect with OAuth") => settings.provider("Claude").getByRole("button", { name: label });

describe("connecting Claude with OAuth in the browser", () => {
  it("a provider without OAuth configuration keeps the button disabled, naming the variables to set", async () => {
    await settings.goto();
    const gemini = settings.provider("Gemini").getByRole("button", { name: "Connect with OAuth" });
    expect(await gemini.isDisabled()).toBe(true);
    expect(await gemini.getAttribute("title")).toContain("DISPATCH_OAUTH_GEMINI_AUTHORIZE_URL");
    expect(await connectButton().isDisabled()).toBe(false);
  });

  it("Deny on the consent page comes back with the denied banner and Claude still not connected", async () => {
    await connectButton().click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.waitForURL((url) => url.pathname === `/${slug}/settings/agents`);
    await eventually(() => banner().getAttribute("data-outcome")).toBe("denied");
    expect(await banner().textContent()).toContain("Claude was not connected: access was denied");
    expect(new URL(page.url()).searchParams.get("oauth_error")).toBe("denied");
    expect(await settings.connectionStatus("Claude").textContent()).toBe("Not connected");
  });

  it("Allow on the consent page comes back connected, with the success banner", async () => {
    await settings.hydrated();
    await connectButton().click();
    await page.waitForURL((url) => url.pathname.startsWith("/interaction/"));
    expect(await page.getByRole("heading", { name: "Authorize Dispatch" }).count()).toBe(1);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL((url) => url.pathname === `/${slug}/settings/agents` && url.searchParams.get("connected") === "claude");
    await eventually(() => banner().getAttribute("data-outcome")).toBe("connected");
    expect(await banner().textContent()).toContain("Claude is connected");
    expect(await settings.connectionStatus("Claude").textContent()).toBe("Connected");
    // Nothing secret travelled in the address bar back to Dispatch.
    expect(page.url()).not.toMatch(/code=|state=|token/);
  });
});

import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach } from "vitest";
import { SESSION_COOKIE, type ApiClient } from "../support/api-client";
import { launchChromium } from "./browser";

/** Where e2e tests leave screenshots (mid-stream timelines, failures). */
export const shotsDir = path.resolve(import.meta.dirname, "../../../test-results");

/**
 * A Chromium page for one test file, signed in as an API client's user by its session cookie
 * (no sign-in form). Call at the top of the file, `open` in beforeAll; a failing test leaves a
 * full-page screenshot in test-results/, and everything closes after the file.
 */
export function signedInBrowser(viewport = { width: 1280, height: 1000 }) {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: path.join(shotsDir, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}.png`), fullPage: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  return {
    async open(baseUrl: string, client: ApiClient): Promise<Page> {
      fs.mkdirSync(shotsDir, { recursive: true });
      browser = await launchChromium();
      context = await browser.newContext({ viewport });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookie(SESSION_COOKIE)!, domain: new URL(baseUrl).hostname, path: "/", httpOnly: true, sameSite: "Lax" }]);
      page = await context.newPage();
      return page;
    },
  };
}

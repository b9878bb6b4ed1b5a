import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "./browser";

/** One Chromium for the test file and a fresh context (own cookies) per page; everything closed after the file. */
export function browserPages(viewport = { width: 1280, height: 860 }): () => Promise<Page> {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });
  return async () => {
    if (!browser) throw new Error("browserPages: the browser is not started yet (call newPage inside a test or hook)");
    const ctx = await browser.newContext({ viewport });
    contexts.push(ctx);
    return ctx.newPage();
  };
}

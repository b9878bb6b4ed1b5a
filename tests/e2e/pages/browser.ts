import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, driven by playwright-core (a browser download is impossible here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Opens a page and waits until React has attached its handlers: a click before that does
 * nothing, or submits a form natively, and on a busy machine hydration can take seconds.
 */
export async function gotoHydrated(page: Page, url: string) {
  await page.goto(url);
  await waitForHydration(page);
}

export async function waitForHydration(page: Page, timeoutMs = 30_000) {
  // A polling evaluate, not waitForFunction: that one needs eval, which the app's CSP forbids.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await page.evaluate(() => {
      // The page's own content (the layout around it hydrates earlier); React marks each element it has hydrated.
      const el = document.querySelector("main button, main input, main a[href]") ?? document.querySelector("form button, form input");
      return !!el && Object.keys(el).some((k) => k.startsWith("__reactProps"));
    });
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the page at ${page.url()} did not hydrate within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(50);
  }
}

import type { Locator, Page } from "playwright-core";

/** The form's own error: Next.js keeps an empty role=alert route announcer on every page. */
export function formAlert(scope: Page | Locator): Locator {
  return scope.locator('[role="alert"]:not(#__next-route-announcer__)').first();
}

import { describe, expect, inject, it } from "vitest";
import { launchChromium } from "./pages/browser";

const baseUrl = inject("baseUrl");

describe("Content-Security-Policy", () => {
  it("every page gets a fresh nonce that Next puts on its own scripts; nothing else may run", async () => {
    const pages = await Promise.all([fetch(`${baseUrl}/signin`), fetch(`${baseUrl}/signin`)]);
    const nonces = await Promise.all(
      pages.map(async (res) => {
        const csp = res.headers.get("content-security-policy") ?? "";
        expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain("unsafe-eval");
        const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
        const html = await res.text();
        const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        expect(scripts.length).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
        return nonce;
      }),
    );
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("the browser runs the app under it without a single violation", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (m) => m.text().includes("Content Security Policy") && violations.push(m.text()));
      await page.goto(`${baseUrl}/signin`);
      await page.getByLabel("Email").fill("nobody@example.test");
      await page.getByLabel("Password").fill("wrong password here");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect.poll(() => page.getByRole("alert").count(), { timeout: 20_000 }).toBeGreaterThan(0); // the client-side form ran
      expect(violations).toEqual([]);
      // Markup that slipped past the sanitizer could not run code: inline event handlers are refused.
      await page.evaluate(() => {
        const div = document.createElement("div");
        div.innerHTML = '<img src="/nonexistent.png" onerror="window.__injected = true">';
        document.body.appendChild(div);
      });
      await page.waitForTimeout(500);
      const ran = await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true);
      expect(ran).toBe(false);
      await expect.poll(() => violations.length).toBe(1); // the browser reports the refusal
    } finally {
      await browser.close();
    }
  });
});

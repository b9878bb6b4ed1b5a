import { expect } from "vitest";
import type { Page } from "playwright-core";
import { formAlert } from "./alerts";
import { gotoHydrated } from "./browser";

export class SignUpPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async signUp(user: { name: string; email: string; password: string }) {
    await gotoHydrated(this.page, `${this.baseUrl}/signup`);
    await this.page.getByLabel("Name").fill(user.name);
    await this.page.getByLabel("Email").fill(user.email);
    await this.page.getByLabel("Password").fill(user.password);
    await this.page.getByRole("button", { name: "Create account" }).click();
    await this.page.waitForURL(`${this.baseUrl}/`);
  }
}

export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async signIn(email: string, password: string, callbackUrl = "/") {
    await gotoHydrated(this.page, `${this.baseUrl}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await this.page.waitForURL(`${this.baseUrl}${callbackUrl}`);
  }

  async expectError(text: string) {
    await expect.poll(() => formAlert(this.page).textContent()).toContain(text);
  }
}

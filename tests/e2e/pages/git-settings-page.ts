import type { Locator, Page } from "playwright-core";
import { waitForHydration } from "./browser";

/** /[slug]/settings/git: the GitHub connection card and one form per project's repository. */
export class GitSettingsPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
    private readonly slug: string,
  ) {}

  get url() {
    return `${this.baseUrl}/${this.slug}/settings/git`;
  }

  async goto() {
    await this.page.goto(this.url);
    await this.hydrated();
  }

  async reload() {
    await this.page.reload();
    await this.hydrated();
  }

  hydrated() {
    return waitForHydration(this.page);
  }

  /** The admin's card (a region named by its heading), or the read-only one in the Connection section. */
  connectionCard(): Locator {
    return this.page.getByRole("region", { name: "Connection", exact: true });
  }

  connectionStatus(): Locator {
    return this.connectionCard().getByTestId("connection-status");
  }

  connectionDetails(): Locator {
    return this.connectionCard().getByTestId("git-connection-details");
  }

  banner(): Locator {
    return this.page.getByTestId("git-oauth-banner");
  }

  connectButton(label: "Connect GitHub" | "Reconnect GitHub" = "Connect GitHub"): Locator {
    return this.connectionCard().getByRole("button", { name: label, exact: true });
  }

  disconnectButton(): Locator {
    return this.connectionCard().getByRole("button", { name: "Disconnect", exact: true });
  }

  tokenForm(): Locator {
    return this.page.getByRole("form", { name: "Connect GitHub with a token" });
  }

  tokenField(): Locator {
    return this.tokenForm().getByLabel("GitHub App installation token");
  }

  async pasteToken(token: string) {
    if ((await this.tokenForm().count()) === 0) await this.connectionCard().getByRole("button", { name: "Paste a token instead" }).click();
    await this.tokenField().fill(token);
    await this.tokenForm().getByRole("button", { name: "Connect with token" }).click();
  }

  repositoryForm(projectName: string): Locator {
    return this.page.getByRole("form", { name: `${projectName} repository` });
  }

  repositoryCheck(projectName: string): Locator {
    return this.repositoryForm(projectName).getByTestId("repository-check");
  }

  async setRepository(projectName: string, repository: string, defaultBranch = "main") {
    const form = this.repositoryForm(projectName);
    await form.getByLabel("Repository", { exact: true }).fill(repository);
    await form.getByLabel("Default branch").fill(defaultBranch);
    await form.getByRole("button", { name: "Save", exact: true }).click();
  }

  /** Clicks, answers the confirm() it opens with OK (or Cancel), and returns the question asked. */
  async clickConfirming(button: Locator, accept: boolean): Promise<string> {
    const opened = this.page.waitForEvent("dialog");
    const click = button.click();
    const dialog = await opened;
    const question = dialog.message();
    await (accept ? dialog.accept() : dialog.dismiss());
    await click;
    return question;
  }
}

import type { Locator, Page } from "playwright-core";
import { waitForHydration } from "./browser";

/** /[slug]/settings/agents: one region per provider, the skills list and its forms. */
export class AgentSettingsPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
    private readonly slug: string,
  ) {}

  get url() {
    return `${this.baseUrl}/${this.slug}/settings/agents`;
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

  provider(name: string): Locator {
    return this.page.getByRole("region", { name, exact: true });
  }

  connectionStatus(provider: string): Locator {
    return this.provider(provider).getByTestId("connection-status");
  }

  tokenField(provider: string): Locator {
    return this.provider(provider).getByLabel(`${provider} OAuth token`);
  }

  async pasteToken(provider: string, token: string) {
    await this.tokenField(provider).fill(token);
    await this.provider(provider).getByRole("button", { name: "Connect", exact: true }).click();
  }

  variantSwitch(provider: string, variant: string): Locator {
    return this.provider(provider).getByRole("switch", { name: `Enable ${variant}` });
  }

  timeoutField(provider: string): Locator {
    return this.provider(provider).getByLabel("Timeout (minutes)");
  }

  async setTimeoutMinutes(provider: string, value: string) {
    await this.timeoutField(provider).fill(value);
    await this.provider(provider).getByRole("button", { name: "Save limits" }).click();
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

  skillRows(): Locator {
    return this.page.getByRole("list", { name: "Skills" }).getByRole("listitem");
  }

  skillForm(title = "New skill"): Locator {
    return this.page.getByRole("form", { name: title });
  }

  async fillSkill(form: Locator, s: { name: string; trigger: string; description?: string; instructions: string }) {
    await form.getByLabel("Name", { exact: true }).fill(s.name);
    await form.getByLabel("Trigger").fill(s.trigger);
    if (s.description !== undefined) await form.getByLabel("Description").fill(s.description);
    await form.getByRole("tab", { name: "Write" }).click();
    await form.getByLabel("Instructions", { exact: true }).fill(s.instructions);
  }
}

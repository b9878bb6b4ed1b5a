import type { Page } from "playwright-core";
import { gotoHydrated } from "./browser";

export class HomePage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async createWorkspace(name: string, slug: string) {
    await gotoHydrated(this.page, `${this.baseUrl}/`);
    await this.page.getByLabel("Workspace name").fill(name);
    await this.page.getByLabel("URL slug").fill(slug);
    await this.page.getByRole("button", { name: "Create workspace" }).click();
  }
}

export class WorkspacePage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
    private readonly slug: string,
  ) {}

  async createProject(p: { name: string; identifier: string; repository?: string }) {
    await gotoHydrated(this.page, `${this.baseUrl}/${this.slug}`);
    await this.page.getByLabel("Name", { exact: true }).fill(p.name);
    await this.page.getByLabel("Identifier").fill(p.identifier);
    if (p.repository) await this.page.getByLabel("Git repository (optional)").fill(p.repository);
    await this.page.getByRole("button", { name: "Create project" }).click();
    await this.page.waitForURL(`${this.baseUrl}/${this.slug}/projects/${p.identifier}`);
  }

  async addMember(email: string, role: "admin" | "member" | "guest") {
    await gotoHydrated(this.page, `${this.baseUrl}/${this.slug}/members`);
    await this.page.getByLabel("Add by email").fill(email);
    await this.page.getByLabel("Role", { exact: true }).selectOption(role);
    await this.page.getByRole("button", { name: "Add member" }).click();
    await this.page.getByRole("list", { name: "Members" }).getByText(email).waitFor();
  }
}

export class ProjectPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
    private readonly slug: string,
    private readonly identifier: string,
  ) {}

  goto() {
    return gotoHydrated(this.page, `${this.baseUrl}/${this.slug}/projects/${this.identifier}`);
  }

  newIssueButton() {
    return this.page.getByRole("button", { name: "New issue" });
  }

  async openNewIssue() {
    await this.newIssueButton().click();
    return this.page.getByRole("dialog", { name: "New issue" });
  }

  async createIssue(title: string, description: string) {
    const dialog = await this.openNewIssue();
    await dialog.getByLabel("Title").fill(title);
    await dialog.getByLabel("Description").fill(description);
    await dialog.getByRole("button", { name: "Create issue" }).click();
    await this.page.waitForURL(new RegExp(`/${this.slug}/issue/${this.identifier}-\\d+$`));
    return this.page.url().split("/").pop()!;
  }

  issueRows() {
    return this.page.getByRole("list", { name: "Issues" }).getByRole("listitem");
  }
}

export class IssuePage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
    private readonly slug: string,
    private readonly key: string,
  ) {}

  goto() {
    return gotoHydrated(this.page, `${this.baseUrl}/${this.slug}/issue/${this.key}`);
  }

  editor() {
    return this.page.getByRole("textbox", { name: "Comment" });
  }

  comments() {
    return this.page.getByRole("listitem").filter({ has: this.page.locator(".prose-comment") });
  }

  async comment(parts: { text: string; bold?: string }) {
    const editor = this.editor();
    await editor.click();
    await this.page.keyboard.type(parts.text);
    if (parts.bold) {
      await this.page.getByRole("button", { name: "Bold" }).click();
      await this.page.keyboard.type(parts.bold);
      await this.page.getByRole("button", { name: "Bold" }).click();
    }
    await this.page.getByRole("button", { name: "Comment", exact: true }).click();
  }

  async setState(label: string) {
    await this.page.getByRole("combobox", { name: "State" }).selectOption({ label });
  }
}

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { gotoHydrated, waitForHydration } from "./pages/browser";

// Priority, labels (made in settings or on the spot), the issue list's filters and title search:
// every filter is in the URL, so a reload or a shared link shows the same view.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const slug = `labels-${tag}`;

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
const listUrl = `${baseUrl}/${slug}/projects/WEB`;

const rows = () => page.getByRole("list", { name: "Issues" }).getByRole("listitem");
/** A server render on a busy machine can take seconds. */
const eventually = { timeout: 20_000, interval: 200 };
/** Each filter change loads its URL: wait for the new page to take clicks. */
async function change(act: () => Promise<unknown>) {
  const before = page.url();
  await act();
  await page.waitForURL((u) => u.toString() !== before, eventually);
  await waitForHydration(page);
}
const titles = async () => (await rows().allInnerTexts()).map((t) => t.match(/WEB-\d+/)?.[0]);
/** Opens a filter's panel, ticks exactly `options` (by their names) and applies; none: its "Any …" button. */
async function pick(name: string, options: string[]) {
  await page.getByRole("button", { name, exact: true }).click();
  const panel = page.getByRole("dialog", { name });
  if (options.length === 0) return panel.getByRole("button", { name: /^(Any|Anyone)/ }).click();
  const ticked = panel.getByRole("checkbox", { checked: true });
  while ((await ticked.count()) > 0) await ticked.first().uncheck();
  for (const option of options) await panel.getByRole("checkbox", { name: option, exact: true }).check();
  await panel.getByRole("button", { name: "Apply" }).click();
}
const shown = (name: string) => page.getByRole("button", { name, exact: true }).innerText();

beforeAll(async () => {
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Lia Lead", email: uniqueEmail("lia"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `Labels ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Web", identifier: "WEB" })).status).toBe(201);
  for (const title of ["Login fails on Safari", "Dark mode colours", "Signup form typo"]) {
    expect((await admin.post(`/api/workspaces/${slug}/projects/WEB/issues`, { title })).status).toBe(201);
  }
  page = await browserPage.open(baseUrl, admin);
}, 120_000);

describe("labels, priority and the issue list's filters", () => {
  it("creates a label with a colour in workspace settings", async () => {
    await gotoHydrated(page, `${baseUrl}/${slug}/settings/labels`);
    const form = page.getByRole("form", { name: "New label" });
    await form.getByRole("textbox", { name: "Label name" }).fill("frontend");
    await form.getByRole("radio", { name: "#a855f7" }).click();
    await form.getByRole("button", { name: "Create label" }).click();
    const list = page.getByRole("list", { name: "Labels" });
    await expect.poll(() => list.innerText().catch(() => ""), eventually).toContain("frontend");
    expect(await list.innerText()).toContain("#a855f7");
    await form.getByRole("textbox", { name: "Label name" }).fill("FRONTEND");
    await form.getByRole("button", { name: "Create label" }).click();
    await expect.poll(() => form.getByRole("alert").innerText(), eventually).toContain('A label named "FRONTEND" already exists.');
    await page.screenshot({ path: path.join(shotsDir, "settings-labels.png"), fullPage: true });
  });

  it("sets priority and labels on an issue, creating a label on the spot", async () => {
    await gotoHydrated(page, `${baseUrl}/${slug}/issue/WEB-1`);
    const panel = page.getByRole("complementary", { name: "Properties" });
    await panel.getByRole("combobox", { name: "Priority" }).selectOption({ label: "Urgent" });
    await panel.getByRole("button", { name: "Add label", exact: true }).click();
    const picker = page.getByRole("dialog", { name: "Labels" });
    await picker.getByRole("checkbox", { name: "frontend" }).check();
    await picker.getByRole("textbox", { name: "Label name" }).fill("bug");
    await picker.getByRole("radio", { name: "#ef4444" }).click();
    await picker.getByRole("button", { name: "Create label" }).click();
    await expect.poll(() => picker.getByRole("checkbox", { name: "bug" }).isChecked().catch(() => false), eventually).toBe(true);
    // Saved once the boxes take clicks again.
    await expect.poll(() => picker.getByRole("checkbox", { name: "bug" }).isEnabled(), eventually).toBe(true);
    await page.screenshot({ path: path.join(shotsDir, "issue-labels-picker.png") });
    await page.keyboard.press("Escape");
    await page.mouse.click(10, 10);
    await expect.poll(() => panel.getByRole("button", { name: /^Remove label / }).count()).toBe(2);
    // What the panel shows is what was stored.
    await gotoHydrated(page, `${baseUrl}/${slug}/issue/WEB-1`);
    expect(await panel.getByRole("combobox", { name: "Priority" }).inputValue()).toBe("urgent");
    expect(await panel.getByRole("button", { name: /^Remove label / }).evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")))).toEqual([
      "Remove label bug",
      "Remove label frontend",
    ]);
    await page.screenshot({ path: path.join(shotsDir, "issue-properties.png"), fullPage: true });

    const res = await admin.request("PATCH", `/api/workspaces/${slug}/issues/WEB-2`, { json: { priority: "low", assignee: { type: "user", user_id: "nope" } } });
    expect(res).toMatchObject({ status: 400, body: { error: { field: "assignee.user_id" } } });
  });

  it("filters the list by label, priority and assignee and searches titles; the URL keeps the view across a reload", async () => {
    const me = await admin.get(`/api/workspaces/${slug}/members`);
    const myId = me.body.members[0].user_id as string;
    expect((await admin.request("PATCH", `/api/workspaces/${slug}/issues/WEB-3`, { json: { assignee: { type: "user", user_id: myId }, priority: "low" } })).status).toBe(200);
    await gotoHydrated(page, listUrl);
    expect(await titles()).toEqual(["WEB-3", "WEB-2", "WEB-1"]);
    expect(await rows().first().getByLabel("Assigned to Lia Lead").count()).toBe(1);
    expect(await rows().last().innerText()).toContain("bug");

    const search = () => page.getByRole("searchbox", { name: "Search titles" });
    await change(() => pick("Label filter", ["bug"]));
    expect(await titles()).toEqual(["WEB-1"]);
    expect(page.url()).toBe(`${listUrl}?label=bug`);

    await change(() => pick("Label filter", []));
    await change(() => pick("Priority filter", ["Low"]));
    expect(await titles()).toEqual(["WEB-3"]);
    // Several values match any of them, and travel in the URL as one comma-separated list.
    await change(() => pick("Priority filter", ["Low", "Urgent"]));
    expect(await titles()).toEqual(["WEB-3", "WEB-1"]);
    expect(new URL(page.url()).searchParams.get("priority")).toBe("low,urgent");
    expect(await shown("Priority filter")).toContain("Low, Urgent");
    await page.getByRole("button", { name: "Assignee filter", exact: true }).click();
    await page.screenshot({ path: path.join(shotsDir, "issue-list-filter-menu.png") });
    await page.keyboard.press("Escape");
    expect(await page.getByRole("dialog", { name: "Assignee filter" }).count()).toBe(0);
    await change(() => pick("Priority filter", []));
    await change(() => pick("Assignee filter", ["Assigned to me"]));
    expect(await titles()).toEqual(["WEB-3"]);
    await change(() => pick("Assignee filter", ["Unassigned"]));
    expect(await titles()).toEqual(["WEB-2", "WEB-1"]);
    await change(() => pick("Assignee filter", []));
    expect(await titles()).toHaveLength(3);

    await search().fill("sign");
    await change(() => page.keyboard.press("Enter"));
    expect(await titles()).toEqual(["WEB-3"]);
    expect(new URL(page.url()).searchParams.get("q")).toBe("sign");
    await search().fill("100%");
    await change(() => page.keyboard.press("Enter"));
    expect(await page.getByText("No issues match these filters").count()).toBe(1);
    // Typed but not sent: it goes along with the next change.
    await search().fill("o");
    await change(() => pick("Label filter", ["frontend"]));
    expect(await titles()).toEqual(["WEB-1"]);
    await page.screenshot({ path: path.join(shotsDir, "issue-list-filters.png"), fullPage: true });

    // Reload and a shared link: the same view.
    await page.reload();
    await expect.poll(() => titles(), eventually).toEqual(["WEB-1"]);
    expect(await page.getByRole("searchbox", { name: "Search titles" }).inputValue()).toBe("o");
    expect(await shown("Label filter")).toContain("frontend");
    await gotoHydrated(page, `${listUrl}?state=all&priority=urgent`);
    expect(await titles()).toEqual(["WEB-1"]);
    await change(() => page.getByRole("button", { name: "Clear filters" }).click());
    expect(await titles()).toHaveLength(3);
    expect(await page.getByRole("navigation", { name: "Filter by state" }).getByRole("link", { name: /^All/ }).getAttribute("aria-current")).toBe("page");
  }, 120_000);

  it("renames and recolours a label in settings; the issue carrying it shows the new name; a taken name is refused in place", async () => {
    await gotoHydrated(page, `${baseUrl}/${slug}/settings/labels`);
    const list = page.getByRole("list", { name: "Labels" });
    await list.getByRole("button", { name: "Edit label frontend" }).click();
    const form = list.getByRole("form", { name: "Edit label frontend" });
    await form.getByRole("textbox", { name: "Label name" }).fill("BUG");
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => form.getByRole("alert").innerText().catch(() => ""), eventually).toContain('A label named "BUG" already exists.');
    await page.screenshot({ path: path.join(shotsDir, "settings-label-edit.png") });
    await form.getByRole("textbox", { name: "Label name" }).fill("ui");
    await form.getByRole("radio", { name: "#22c55e" }).click();
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => list.innerText().catch(() => ""), eventually).toContain("ui");
    expect(await list.innerText()).toContain("#22c55e");
    expect(await list.innerText()).not.toContain("frontend");
    await page.screenshot({ path: path.join(shotsDir, "settings-label-renamed.png"), fullPage: true });

    await gotoHydrated(page, `${baseUrl}/${slug}/issue/WEB-1`);
    const panel = page.getByRole("complementary", { name: "Properties" });
    expect(await panel.getByRole("button", { name: /^Remove label / }).evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")))).toEqual(["Remove label bug", "Remove label ui"]);
  }, 120_000);
});

import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { shotsDir, signedInBrowser } from "./pages/signed-in-browser";
import { connectProvider, waitForSession } from "./support/agents";
import { gotoHydrated } from "./pages/browser";

// From a comment to a pull request, in the browser: the real Claude Code CLI edits a file
// through a scripted tool call; the server's worker pushes to a bare repository served by
// `git http-backend` and opens the PR at the GitHub stand-in (github.com is outside this machine).

const baseUrl = inject("baseUrl");
const githubUrl = inject("githubUrl");
const tag = randomBytes(3).toString("hex");
const slug = `pr-${tag}`;
const repo = `acme/shop-${tag}`;
const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
const shots = shotsDir;

type Pull = { number: number; title: string; body: string; head: string; base: string; html_url: string };
const standIn = async <T>(p: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(`${githubUrl}/__standin${p}`, { ...init, headers: { "content-type": "application/json" } });
  if (!res.ok) throw new Error(`stand-in ${p} answered ${res.status}`);
  return (await res.json()) as T;
};
const pulls = async () => (await standIn<{ pulls: Record<string, Pull[]> }>("/state")).pulls[repo] ?? [];

const browserPage = signedInBrowser();
let page: Page;
let admin: ApiClient;
let issueUrl = "";

const editor = () => page.getByRole("textbox", { name: "Comment" });
const cards = () => page.getByRole("listitem", { name: "Agent session Claude Sonnet" });

async function send(text: string) {
  await editor().click();
  await page.keyboard.type(text);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Send to 1 agent" }).click();
}

beforeAll(async () => {
  await standIn("/repos", { method: "POST", body: JSON.stringify({ full_name: repo, files: { "README.md": "# Shop\n" } }) });
  await standIn("/tokens", { method: "POST", body: JSON.stringify({ token: githubToken }) });
  ({ client: admin } = await signUpAndIn(baseUrl, { name: "Pia Dev", email: uniqueEmail("pia"), password: "correct horse battery" }));
  expect((await admin.post("/api/workspaces", { name: `PR ${tag}`, slug })).status).toBe(201);
  expect((await admin.post(`/api/workspaces/${slug}/projects`, { name: "Shop", identifier: "SHOP" })).status).toBe(201);
  await connectProvider(admin, slug, "claude", `sk-ant-oat01-${randomBytes(69).toString("base64url")}AA`);
  expect((await admin.request("PUT", `/api/workspaces/${slug}/git/token`, { json: { token: githubToken } })).status).toBe(200);
  const check = await admin.request("PUT", `/api/workspaces/${slug}/projects/SHOP/repository`, { json: { repository: repo, default_branch: "main" } });
  expect(check.body.check).toMatchObject({ ok: true, can_push: true });
  const issue = await admin.post(`/api/workspaces/${slug}/projects/SHOP/issues`, { title: "Greet the shoppers", description: "Add hello.txt." });
  issueUrl = `${baseUrl}/${slug}/issue/${issue.body.issue.key}`;

  page = await browserPage.open(baseUrl, admin);
  await gotoHydrated(page, issueUrl);
}, 120_000);

describe("an agent's change becomes a pull request", () => {
  let first: { id: string; branch: string; pull_request_url: string };

  it("a comment → the agent edits a file → branch and PR at GitHub → the comment links the PR", async () => {
    await send("@claude [script:tool-write] please add hello.txt");
    const card = cards().first();
    await card.waitFor();
    const id = (await card.getAttribute("data-session-id"))!;
    first = await waitForSession(admin, slug, id, ["completed"], 90_000);
    expect(first.branch).toMatch(/^agent\/SHOP-1-[0-9a-f]{8}$/);

    const [pr] = await pulls();
    expect(pr).toMatchObject({ title: "SHOP-1: Greet the shoppers", head: first.branch, base: "main" });
    expect(pr!.body).toContain("`hello.txt` +1 −0");
    expect(pr!.body).toContain(`${issueUrl}#session-${id}`);
    expect(first.pull_request_url).toBe(pr!.html_url);
    const branches = await standIn<Record<string, string>>(`/branches?full_name=${repo}`);
    expect(Object.keys(branches).sort()).toEqual([first.branch, "main"].sort());
    expect((await standIn<{ content: string }>(`/file?full_name=${repo}&ref=${encodeURIComponent(first.branch)}&path=hello.txt`)).content).toBe("hello from the agent\n");

    // The card settles into the agent's comment, which links the pull request and lists the file.
    const answer = card.getByTestId("agent-answer");
    await expect.poll(() => answer.getByRole("link", { name: "#1" }).getAttribute("href"), { timeout: 20_000 }).toBe(pr!.html_url);
    expect(await answer.innerText()).toMatch(/hello\.txt \+1 −0/);
    expect(await answer.getByRole("link", { name: first.branch }).getAttribute("href")).toBe(`${githubUrl}/${repo}/tree/${first.branch}`);
    // The change itself, from the stored commit: the card's diff view.
    await card.getByRole("button", { name: "View changes" }).click();
    const diff = card.getByTestId("diff-view");
    await expect.poll(() => diff.innerText(), { timeout: 20_000 }).toContain("hello.txt");
    expect(await diff.innerText()).toContain("hello from the agent");
    await page.screenshot({ path: path.join(shots, "pull-request-card.png"), fullPage: true });
  }, 120_000);

  it("a follow-up mention resumes the session and adds a commit to the same branch and PR", async () => {
    await send("@claude [script:tool-write-second] now add second.txt");
    await expect.poll(() => cards().count(), { timeout: 20_000 }).toBe(2);
    const id = (await cards().nth(1).getAttribute("data-session-id"))!;
    const s = await waitForSession(admin, slug, id, ["completed"], 90_000);
    expect(s).toMatchObject({ parent_session_id: first.id, branch: first.branch, pull_request_url: first.pull_request_url });
    const log = await standIn<{ subject: string; authorName: string }[]>(`/log?full_name=${repo}&ref=${encodeURIComponent(first.branch)}`);
    expect(log.map((c) => c.subject)).toEqual(["SHOP-1: Greet the shoppers", "SHOP-1: Greet the shoppers", "Initial commit"]);
    expect(log[0]!.authorName).toBe("Dispatch agent (Claude Sonnet)");
    expect(await pulls()).toHaveLength(1);
    await expect.poll(() => cards().nth(1).getByTestId("agent-answer").innerText(), { timeout: 20_000 }).toMatch(/second\.txt \+1 −0/);
  }, 120_000);
});

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github-server";

const run = promisify(execFile);
const TOKEN = "ghp_standInTestToken000000000000000000";
const READ_ONLY = "ghp_readOnlyToken00000000000000000000000";

let gh: GitHubStandIn;
let work: string;

/** git with the machine's config out of the way and, when given, the token as a Basic credential. */
function git(args: string[], opts: { cwd?: string; token?: string } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" };
  for (const k of Object.keys(env)) if (/^GIT_(DIR|WORK_TREE|INDEX_FILE|CONFIG_(COUNT|KEY_|VALUE_))/.test(k)) delete env[k];
  if (opts.token) {
    Object.assign(env, {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${opts.token}`).toString("base64")}`,
    });
  }
  return run("git", args, { cwd: opts.cwd ?? work, env });
}

const api = (p: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${gh.apiUrl}${p}`, {
    ...init,
    headers: { accept: "application/vnd.github+json", "content-type": "application/json", ...(init.token ? { authorization: `token ${init.token}` } : {}), ...init.headers },
  });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "github-stand-in-test-"));
  gh = await startGitHubStandIn({ tokens: [TOKEN] });
  gh.acceptToken(READ_ONLY, { login: "reader", push: false });
  await gh.createRepo("acme/widgets", { "README.md": "# Widgets\n", "src/index.ts": "export const answer = 42;\n" });
});

afterAll(async () => {
  await gh?.close();
  await rm(work, { recursive: true, force: true });
});

describe("git smart HTTP", () => {
  it("clones with the token, pushes a new branch, and the branch shows up", async () => {
    const dir = path.join(work, "clone");
    await git(["clone", "--quiet", `${gh.url}/acme/widgets.git`, dir], { token: TOKEN });
    expect(await readFile(path.join(dir, "src/index.ts"), "utf8")).toBe("export const answer = 42;\n");
    expect(gh.gitRequests.some((r) => r.service === "git-upload-pack" && r.method === "POST" && r.authorized)).toBe(true);

    await git(["checkout", "--quiet", "-b", "feature/greeting"], { cwd: dir });
    await writeFile(path.join(dir, "GREETING.md"), "hello\n");
    await git(["add", "GREETING.md"], { cwd: dir });
    await git(["-c", "user.name=Ada", "-c", "user.email=ada@example.test", "commit", "--quiet", "-m", "Add greeting", "-m", "With a body."], { cwd: dir });
    await git(["push", "--quiet", "origin", "feature/greeting"], { cwd: dir, token: TOKEN });

    const branches = await gh.branches("acme/widgets");
    expect(Object.keys(branches).sort()).toEqual(["feature/greeting", "main"]);
    const [tip, initial] = await gh.log("acme/widgets", "feature/greeting");
    expect(tip).toMatchObject({ sha: branches["feature/greeting"], subject: "Add greeting", body: "With a body.", authorName: "Ada", authorEmail: "ada@example.test", parents: [initial!.sha] });
    expect(initial).toMatchObject({ subject: "Initial commit", parents: [] });
    expect(await gh.readFile("acme/widgets", "feature/greeting", "GREETING.md")).toBe("hello\n");
    expect(gh.gitRequests.some((r) => r.service === "git-receive-pack" && r.method === "POST" && r.authorized)).toBe(true);
  });

  it("refuses a clone without a token (401 with a Basic challenge) or with a wrong one", async () => {
    // After a 401 git asks for a username; with prompts off that is where it gives up.
    const before = gh.gitRequests.length;
    await expect(git(["clone", "--quiet", `${gh.url}/acme/widgets.git`, path.join(work, "anon")])).rejects.toThrow(/could not read Username/);
    await expect(git(["clone", "--quiet", `${gh.url}/acme/widgets.git`, path.join(work, "wrong")], { token: "ghp_wrong" })).rejects.toThrow(/could not read Username/);
    expect(gh.gitRequests.slice(before).map((r) => r.authorized)).toEqual([false, false]);
    const res = await fetch(`${gh.url}/acme/widgets.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitHub"');
    expect(gh.gitRequests.at(-1)).toMatchObject({ service: "git-upload-pack", authorized: false });
  });

  it("refuses a push with a read-only token", async () => {
    const dir = path.join(work, "reader");
    await git(["clone", "--quiet", `${gh.url}/acme/widgets.git`, dir], { token: READ_ONLY });
    await git(["checkout", "--quiet", "-b", "reader-branch"], { cwd: dir });
    await expect(git(["push", "--quiet", "origin", "reader-branch"], { cwd: dir, token: READ_ONLY })).rejects.toThrow(/403|denied/);
    expect(Object.keys(await gh.branches("acme/widgets"))).not.toContain("reader-branch");
  });

  it("answers a gzipped upload-pack request (as git sends large ones)", async () => {
    const { main } = await gh.branches("acme/widgets");
    const want = `want ${main}\n`;
    const body = `${(want.length + 4).toString(16).padStart(4, "0")}${want}00000009done\n`;
    const res = await fetch(`${gh.url}/acme/widgets.git/git-upload-pack`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`,
        "content-type": "application/x-git-upload-pack-request",
        "content-encoding": "gzip",
      },
      body: gzipSync(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
    const out = Buffer.from(await res.arrayBuffer());
    expect(out.subarray(0, 8).toString()).toBe("0008NAK\n");
    expect(out.includes(Buffer.from("PACK"))).toBe(true);
  });

  it("answers 404 for a repository that does not exist", async () => {
    await expect(git(["clone", "--quiet", `${gh.url}/acme/missing.git`, path.join(work, "missing")], { token: TOKEN })).rejects.toThrow(/not found|404/i);
  });
});

describe("REST API", () => {
  it("answers the user and repository info only with an accepted token", async () => {
    const user = await api("/user", { token: TOKEN });
    expect(user.status).toBe(200);
    expect(user.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await user.json()).toMatchObject({ login: "octocat", type: "User" });

    const repo = await api("/repos/acme/widgets", { token: TOKEN });
    expect(repo.status).toBe(200);
    expect(await repo.json()).toMatchObject({
      full_name: "acme/widgets",
      private: true,
      default_branch: "main",
      clone_url: `${gh.url}/acme/widgets.git`,
      html_url: `${gh.url}/acme/widgets`,
      permissions: { push: true, pull: true, admin: false },
    });
    expect(await (await api("/repos/acme/widgets", { token: READ_ONLY })).json()).toMatchObject({ permissions: { push: false, pull: true } });

    const anon = await api("/repos/acme/widgets");
    expect(anon.status).toBe(401);
    const bad = await api("/repos/acme/widgets", { headers: { authorization: "Bearer ghp_nope" } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });

    const missing = await api("/repos/acme/nothing", { token: TOKEN });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: "Not Found" });
    expect((await api("/nonsense", { token: TOKEN })).status).toBe(404);
    expect(gh.requests.at(-1)).toMatchObject({ method: "GET", path: "/api/v3/nonsense", authorization: `token ${TOKEN}` });
  });

  it("creates a pull request, refuses a duplicate, a missing head and a missing base", async () => {
    const create = (body: Record<string, unknown>) => api("/repos/acme/widgets/pulls", { method: "POST", token: TOKEN, body: JSON.stringify(body) });
    const res = await create({ title: "Add greeting", head: "feature/greeting", base: "main", body: "Closes #1" });
    expect(res.status).toBe(201);
    const pr = await res.json();
    const headSha = (await gh.branches("acme/widgets"))["feature/greeting"];
    expect(pr).toMatchObject({
      number: 1,
      state: "open",
      title: "Add greeting",
      body: "Closes #1",
      draft: false,
      html_url: `${gh.url}/acme/widgets/pull/1`,
      head: { ref: "feature/greeting", sha: headSha, label: "acme:feature/greeting" },
      base: { ref: "main" },
      user: { login: "octocat" },
    });
    expect(gh.pulls("acme/widgets")).toEqual([
      { number: 1, title: "Add greeting", body: "Closes #1", head: "feature/greeting", base: "main", html_url: `${gh.url}/acme/widgets/pull/1`, state: "open" },
    ]);
    expect(gh.requests.at(-1)).toMatchObject({ method: "POST", path: "/api/v3/repos/acme/widgets/pulls", body: { title: "Add greeting" } });

    const dup = await create({ title: "Again", head: "acme:feature/greeting", base: "main" });
    expect(dup.status).toBe(422);
    expect(await dup.json()).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for acme:feature/greeting." }],
    });

    const noHead = await create({ title: "Ghost", head: "no-such-branch", base: "main" });
    expect(noHead.status).toBe(422);
    expect((await noHead.json()).errors).toEqual([{ resource: "PullRequest", field: "head", code: "invalid" }]);
    expect((await create({ title: "No base", head: "feature/greeting" })).status).toBe(422);
    expect(gh.pulls("acme/widgets")).toHaveLength(1);

    const listed = await (await api("/repos/acme/widgets/pulls?head=acme:feature/greeting&state=open", { token: TOKEN })).json();
    expect(listed.map((p: { number: number }) => p.number)).toEqual([1]);
    expect(await (await api("/repos/acme/widgets/pulls?head=acme:other&state=open", { token: TOKEN })).json()).toEqual([]);
    expect((await api("/repos/acme/widgets/pulls/1", { token: TOKEN })).status).toBe(200);
    expect((await api("/repos/acme/widgets/pulls/9", { token: TOKEN })).status).toBe(404);
  });

  it("fails the next matching request when told to, once", async () => {
    gh.failNext("POST", /\/pulls$/, 502, "Server Error");
    const first = await api("/repos/acme/widgets/pulls", { method: "POST", token: TOKEN, body: "{}" });
    expect(first.status).toBe(502);
    expect(await first.json()).toMatchObject({ message: "Server Error" });
    expect((await api("/repos/acme/widgets/pulls", { method: "POST", token: TOKEN, body: "{}" })).status).toBe(422);
  });
});

describe("OAuth web flow", () => {
  const redirectUri = "http://127.0.0.1:9/callback";
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");

  async function authorize(state = "st4te") {
    const q = new URLSearchParams({ client_id: gh.oauthClient.id, redirect_uri: redirectUri, state, scope: "repo", code_challenge: challenge, code_challenge_method: "S256" });
    const res = await fetch(`${gh.url}/login/oauth/authorize?${q}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }
  const exchange = (fields: Record<string, string>) =>
    fetch(`${gh.url}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: gh.oauthClient.id, client_secret: gh.oauthClient.secret, redirect_uri: redirectUri, code_verifier: verifier, ...fields }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));

  it("issues a code, exchanges it once for a token the API and git accept", async () => {
    const back = await authorize();
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("st4te");
    const code = back.searchParams.get("code")!;
    expect(code).toBeTruthy();

    const ok = await exchange({ code });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "bearer", scope: "repo" });
    expect(ok.body.access_token).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    const me = await api("/user", { headers: { authorization: `Bearer ${ok.body.access_token}` } });
    expect(me.status).toBe(200);
    await git(["ls-remote", `${gh.url}/acme/widgets.git`], { token: ok.body.access_token });

    const again = await exchange({ code });
    expect(again).toMatchObject({ status: 200, body: { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." } });

    gh.revokeToken(ok.body.access_token!);
    expect((await api("/user", { token: ok.body.access_token })).status).toBe(401);
  });

  it("refuses a wrong verifier, a wrong secret and an unknown client; denies when set to", async () => {
    const wrongVerifier = await exchange({ code: (await authorize()).searchParams.get("code")!, code_verifier: randomBytes(32).toString("base64url") });
    expect(wrongVerifier.body.error).toBe("bad_verification_code");
    const wrongSecret = await exchange({ code: (await authorize()).searchParams.get("code")!, client_secret: "nope" });
    expect(wrongSecret).toMatchObject({ status: 200, body: { error: "incorrect_client_credentials" } });

    const unknown = await fetch(`${gh.url}/login/oauth/authorize?client_id=nobody&redirect_uri=${encodeURIComponent(redirectUri)}`, { redirect: "manual" });
    expect(unknown.status).toBe(404);

    gh.denyConsent(true);
    const denied = await authorize("s2");
    gh.denyConsent(false);
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("s2");
    expect(denied.searchParams.get("code")).toBeNull();
    expect(gh.requests.some((r) => r.path === "/login/oauth/access_token" && (r.body as Record<string, string>).client_secret === "nope")).toBe(true);
  });
});

describe("controls over HTTP (for a test in another process)", () => {
  it("creates a repository, accepts a token and reports branches and state", async () => {
    const post = (p: string, body: unknown) => fetch(`${gh.url}/__standin${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/repos", { full_name: "ctl/repo", files: { "a.txt": "a\n" } })).status).toBe(201);
    expect((await post("/tokens", { token: "ghs_controlToken0000000000000000000000", push: false })).status).toBe(201);
    const repo = await fetch(`${gh.apiUrl}/repos/ctl/repo`, { headers: { authorization: "token ghs_controlToken0000000000000000000000" } });
    expect(((await repo.json()) as { permissions: { push: boolean } }).permissions.push).toBe(false);
    const branches = (await (await fetch(`${gh.url}/__standin/branches?full_name=ctl/repo`)).json()) as Record<string, string>;
    expect(Object.keys(branches)).toEqual(["main"]);
    const state = (await (await fetch(`${gh.url}/__standin/state`)).json()) as { requests: { path: string }[] };
    expect(state.requests.at(-1)?.path).toBe("/api/v3/repos/ctl/repo");
    expect((await fetch(`${gh.url}/__standin/nothing`)).status).toBe(404);
  });
});

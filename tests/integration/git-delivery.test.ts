import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { deleteConnection, storeConnection } from "@/db/queries/connections";
import { agentSessions } from "@/db/schema";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { MemoryLiveBus } from "@/lib/bus/session-events";
import { addComment, getComments } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createSkill } from "@/lib/agents/skills";
import { createProject, setProjectRepository } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { runSession, type RunnerDeps } from "@/workers/run/run-session";
import { DockerSandbox, SESSION_LABEL } from "@/workers/sandbox/docker-sandbox";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { startGeminiApi, type GeminiApi } from "../support/gemini-api";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github-server";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

// The worker's git side end to end: the real Claude Code CLI in its real image edits a file
// through a scripted tool call; the worker commits, pushes over smart HTTP to a real bare
// repository (git http-backend) and opens the pull request through a stand-in for GitHub's
// REST API (github.com is outside this machine), which records what it was asked.
const docker = new Docker();
const keyRing = parseKeyRing(`test:${randomBytes(32).toString("base64")}`);
const MODEL_TOKEN = `sk-ant-oat01-${randomBytes(12).toString("hex")}`;
const GITHUB_TOKEN = `ghs_${randomBytes(18).toString("hex")}`;
const READ_ONLY_TOKEN = `ghs_${randomBytes(18).toString("hex")}`;

let h: DbHandle;
let api: ModelApi;
let github: GitHubStandIn;
let gemini: GeminiApi;
let workRoot: string;
/** What `docker inspect` said of each session's container while it existed. */
const inspected = new Map<string, Docker.ContainerInspectInfo>();

function deps(): RunnerDeps {
  return {
    db: h.db,
    sandbox: new DockerSandbox(docker),
    events: new MemoryLiveBus(),
    cancel: new MemoryCancelSignal(),
    keyRing,
    workerId: "git-test-worker",
    workRoot,
    limits: { memoryMb: 1024, cpus: 1, pids: 256 },
    statusPollMs: 500,
    afterRun: async ({ sessionId }) => {
      const [c] = await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${sessionId}`] } });
      if (c) inspected.set(sessionId, await docker.getContainer(c.Id).inspect());
    },
  };
}

beforeAll(async () => {
  await docker.ping();
  h = await openTestPostgres();
  api = await startAnthropicApi();
  github = await startGitHubStandIn({ tokens: [GITHUB_TOKEN] });
  github.acceptToken(READ_ONLY_TOKEN, { push: false });
  gemini = await startGeminiApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
  process.env.DISPATCH_MODEL_API_GEMINI = gemini.url;
  process.env.DISPATCH_GITHUB_URL = github.url;
  process.env.DISPATCH_GITHUB_API_URL = github.apiUrl;
  process.env.DISPATCH_APP_URL = "http://dispatch.test";
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-git-"));
});

afterAll(async () => {
  await api?.close();
  await gemini?.close();
  await github?.close();
  await h?.close();
  fs.rmSync(workRoot, { recursive: true, force: true });
});

/** A workspace whose project delivers to a fresh repository; Claude and GitHub connected. */
async function setUp(opts: { repo?: string; githubToken?: string } = {}) {
  const f = await makeWorkspace(h.db);
  const repo = opts.repo ?? `acme/app-${randomBytes(3).toString("hex")}`;
  if (!opts.repo) await github.createRepo(repo, { "README.md": "# App\n" });
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  await setProjectRepository(h.db, f.adminCtx, "WEB", { repository: repo, default_branch: "main" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Say hello", description: "Add a greeting file." });
  const model = seal(keyRing, MODEL_TOKEN);
  for (const p of await loadCatalog(h.db, f.adminCtx.workspace.id)) {
    await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: p.id, patch: { maxConcurrentSessions: 10 } });
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: p.slug, sealed: model });
  }
  const gh = seal(keyRing, opts.githubToken ?? GITHUB_TOKEN);
  await storeConnection(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "github", connectedBy: f.admin.id, tokenType: "installation", login: null, keyId: gh.keyId, accessTokenCiphertext: gh.ciphertext, refreshTokenCiphertext: null, expiresAt: null });
  const run = async (text: string) => {
    const { sessions } = await addComment(h.db, f.adminCtx, issue, { text }, { queue: new MemorySessionQueue() });
    await runSession(deps(), sessions[0]!.id);
    return getSessionOrThrow(h.db, f.adminCtx, sessions[0]!.id);
  };
  const agentComment = async (sessionId: string) => (await getComments(h.db, f.adminCtx, issue.id)).find((c) => c.authorSessionId === sessionId);
  return { ...f, repo, issue, run, agentComment };
}

describe("an agent's code changes become a branch and a pull request", () => {
  it("commits as the agent with the member as co-author, pushes, opens the PR, links it; a follow-up resumes and adds a commit to the same PR", async () => {
    const t = await setUp();
    const s = await t.run("@claude [script:tool-write] please create hello.txt");
    expect(s.status).toBe("completed");
    expect(s.branch).toMatch(/^agent\/WEB-1-[0-9a-f]{8}$/);
    expect(s.branch).toBe(`agent/WEB-1-${s.id.replace(/-/g, "").slice(0, 8)}`);

    // The bare repository has the branch, with the agent's commit on top of main.
    const branches = await github.branches(t.repo);
    expect(branches[s.branch!]).toBe(s.commitSha);
    const [commit] = await github.log(t.repo, s.branch!);
    expect(commit).toMatchObject({ subject: "WEB-1: Say hello", authorName: "Dispatch agent (Claude Sonnet)", parents: [branches.main] });
    expect(commit!.body).toContain(`Co-authored-by: ${t.admin.name} <${t.admin.email}>`);
    expect(await github.readFile(t.repo, s.branch!, "hello.txt")).toBe("hello from the agent\n");

    // The pull request: title names the issue, body has the summary, the files and the links back.
    const [pr] = github.pulls(t.repo);
    expect(pr).toMatchObject({ title: "WEB-1: Say hello", head: s.branch, base: "main" });
    expect(pr!.body).toContain("Done: I wrote hello.txt.");
    expect(pr!.body).toContain("`hello.txt` +1 −0");
    expect(pr!.body).toContain(`http://dispatch.test/${t.ws.slug}/issue/WEB-1#session-${s.id}`);
    expect(s.pullRequestUrl).toBe(pr!.html_url);
    expect(s.filesChanged).toEqual([{ path: "hello.txt", additions: 1, deletions: 0 }]);
    expect(s.diffPatch).toContain("+hello from the agent");

    // The agent's comment links both and lists the files.
    const comment = await t.agentComment(s.id);
    expect(comment?.bodyHtml).toContain(`href="${pr!.html_url}"`);
    expect(comment?.bodyHtml).toContain(s.branch!);
    expect(comment?.bodyHtml).toContain("hello.txt");

    // The container never had a git credential: not in its environment, command or mounts, and no .git to read.
    const info = inspected.get(s.id)!;
    const seen = JSON.stringify({ env: info.Config.Env, cmd: info.Config.Cmd, entry: info.Config.Entrypoint, mounts: info.Mounts, binds: info.HostConfig.Binds });
    expect(seen).not.toContain(GITHUB_TOKEN);
    expect(seen).not.toContain(Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64"));
    expect(info.Mounts.map((m) => m.Destination).sort()).toEqual(["/home/dispatch", "/run/dispatch", "/work"]);
    expect(info.Mounts.some((m) => /\/git$/.test(m.Source))).toBe(false);
    // Every git request reached the server with the credential, and all of them came from the worker.
    expect(github.gitRequests.filter((r) => r.path.includes(t.repo)).every((r) => r.authorized)).toBe(true);

    // The follow-up: the same agent mentioned again continues the conversation on the same branch and PR.
    const before = api.requests.length;
    const f = await t.run("@claude [script:tool-write-second] now add second.txt");
    expect(f.status).toBe("completed");
    expect(f.parentSessionId).toBe(s.id);
    expect(f.branch).toBe(s.branch);
    expect(f.pullRequestUrl).toBe(s.pullRequestUrl);
    // Claude Code resent the earlier conversation: the first run's tool call is in the follow-up's request.
    const followUpRequests = api.requests.slice(before).filter((r) => r.path.startsWith("/v1/messages"));
    expect(JSON.stringify(followUpRequests[0]!.body.messages)).toContain("toolu_01Scripted");
    expect(JSON.stringify(followUpRequests[0]!.body.messages)).toContain("please create hello.txt");
    const log = await github.log(t.repo, s.branch!);
    expect(log.map((c) => c.sha).slice(0, 2)).toEqual([f.commitSha, s.commitSha]);
    expect(await github.readFile(t.repo, s.branch!, "second.txt")).toBe("second change\n");
    expect(github.pulls(t.repo)).toHaveLength(1);
    expect(f.filesChanged).toEqual([{ path: "second.txt", additions: 1, deletions: 0 }]);
  });

  it("Gemini CLI follow-ups resume its conversation too", async () => {
    const t = await setUp();
    const s = await t.run("@gemini-pro [script:tool-write] please create hello.txt");
    expect(s.status).toBe("completed");
    expect(github.pulls(t.repo)).toHaveLength(1);
    const before = gemini.requests.length;
    const f = await t.run("@gemini-pro [script:plain] anything else?");
    expect(f).toMatchObject({ status: "completed", parentSessionId: s.id, branch: s.branch, pullRequestUrl: s.pullRequestUrl });
    const asked = gemini.requests.slice(before).filter((r) => r.path.includes("streamGenerateContent"));
    expect(JSON.stringify(asked[0]!.body)).toContain("please create hello.txt");
    expect(JSON.stringify(asked[0]!.body)).toContain("functionCall");
    // Its start-up calls were answered from what the worker kept from the first run (workers/setup-cache.ts).
    const setUpCalls = (from: number) => gemini.requests.slice(from).filter((r) => r.path.includes("loadCodeAssist")).length;
    expect(setUpCalls(0)).toBeGreaterThan(0);
    expect(setUpCalls(before)).toBe(0);
  });

  it("no changes: nothing is pushed and the comment says so", async () => {
    const t = await setUp();
    const s = await t.run("@claude [script:plain] what is the answer?");
    expect(s).toMatchObject({ status: "completed", branch: null, pullRequestUrl: null, commitSha: null });
    expect(Object.keys(await github.branches(t.repo))).toEqual(["main"]);
    expect(github.pulls(t.repo)).toHaveLength(0);
    expect((await t.agentComment(s.id))?.bodyHtml).toContain("No changes.");
  });

  it("a comment-only skill pushes nothing even when the agent changed files, and says so", async () => {
    const t = await setUp();
    await createSkill(h.db, t.adminCtx, { name: "Review", trigger: "review", instructions: "Review only.", mode: "comment_only" });
    const s = await t.run("@claude:review [script:tool-write] look at it");
    expect(s).toMatchObject({ status: "completed", branch: null, commitSha: null });
    expect(Object.keys(await github.branches(t.repo))).toEqual(["main"]);
    expect((await t.agentComment(s.id))?.bodyHtml).toContain("No changes (this skill only comments).");
  });

  it("a project whose repository needs GitHub refuses the mention while GitHub is not connected, writing nothing", async () => {
    const t = await setUp();
    await deleteConnection(h.db, { workspaceId: t.adminCtx.workspace.id, kind: "github" });
    await expect(addComment(h.db, t.adminCtx, t.issue, { text: "@claude [script:plain] hi" }, { queue: new MemorySessionQueue() })).rejects.toThrow(
      `This project's repository ${t.repo} needs GitHub: ask a workspace admin to connect GitHub in Settings → Git.`,
    );
    expect(await getComments(h.db, t.adminCtx, t.issue.id)).toHaveLength(0);
    expect(await h.db.select().from(agentSessions).where(eq(agentSessions.issueId, t.issue.id))).toHaveLength(0);
  });

  it("a repository that cannot be cloned fails the session naming the step, before any container starts", async () => {
    const t = await setUp({ repo: "acme/does-not-exist" });
    const s = await t.run("@claude [script:tool-write] go");
    expect(s.status).toBe("failed");
    expect(s.errorMessage).toMatch(/^Cloning the repository failed: /);
    expect(s.containerId).toBeNull();
    expect(s.errorMessage).not.toContain(GITHUB_TOKEN);
  });

  it("a refused push fails the session naming the push, keeps the streamed work, and opens no PR", async () => {
    const t = await setUp({ githubToken: READ_ONLY_TOKEN });
    const s = await t.run("@claude [script:tool-write] go");
    expect(s.status).toBe("failed");
    expect(s.errorMessage).toMatch(/^Pushing agent\/WEB-1-[0-9a-f]{8} failed: /);
    expect(s.answer).toBe("Done: I wrote hello.txt.");
    expect(github.pulls(t.repo)).toHaveLength(0);
    expect((await t.agentComment(s.id))?.bodyHtml).toContain("Pushing agent/WEB-1-");
  });

  it("a pull request GitHub refuses is reported with the pushed branch's link", async () => {
    const t = await setUp();
    github.failNext("POST", new RegExp(`/repos/${t.repo}/pulls$`), 422, "Validation Failed");
    const s = await t.run("@claude [script:tool-write] go");
    expect(s.status).toBe("failed");
    expect(s.errorMessage).toContain("Opening the pull request failed: HTTP 422: Validation Failed");
    expect(s.errorMessage).toContain(`${github.url}/${t.repo}/tree/${s.branch}`);
    expect((await github.branches(t.repo))[s.branch!]).toBe(s.commitSha);
    expect(s.pullRequestUrl).toBeNull();
  });
});

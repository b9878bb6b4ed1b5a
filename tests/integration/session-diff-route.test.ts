import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { agentSessions } from "@/db/schema";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { getSessionCard } from "@/lib/sessions/service";
import * as diffRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/diff/route";
import * as sessionRoute from "@/app/api/workspaces/[slug]/agent/sessions/[id]/route";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";

// What the worker stores: `git diff base..head` of the session's commit (a rename, a spaced path, agent-written markup).
const PATCH = [
  "diff --git a/src/app.ts b/src/app.ts",
  "index 1111111..2222222 100644",
  "--- a/src/app.ts",
  "+++ b/src/app.ts",
  "@@ -1,3 +1,3 @@",
  " const a = 1;",
  '-const b = "<b>old</b>";',
  '+const b = "<script>alert(1)</script>";',
  " export { a, b };",
  "diff --git a/docs/old name.md b/docs/new name.md",
  "similarity index 90%",
  "rename from docs/old name.md",
  "rename to docs/new name.md",
  "index 3333333..4444444 100644",
  "--- a/docs/old name.md\t",
  "+++ b/docs/new name.md\t",
  "@@ -2 +2 @@ Title",
  "-x",
  "\\ No newline at end of file",
  "+y",
  "",
].join("\n");

let w: Awaited<ReturnType<typeof setupWorkspace>>;
let other: Awaited<ReturnType<typeof setupWorkspace>>;

async function setupWorkspace() {
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  const project = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(db, f.adminCtx, project, { title: "Tests fail" });
  const claude = (await loadCatalog(db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
  const insertSession = async (fields: Partial<typeof agentSessions.$inferInsert> = {}) => {
    const [row] = await db
      .insert(agentSessions)
      .values({
        workspaceId: f.adminCtx.workspace.id,
        projectId: project.id,
        issueId: issue.id,
        providerId: claude.id,
        variantId: claude.variants[0]!.id,
        modelId: claude.variants[0]!.modelId,
        prompt: "fix the tests",
        timeoutMinutes: 15,
        status: "completed",
        ...fields,
      })
      .returning();
    return row!;
  };
  return {
    slug: f.ws.slug,
    memberCtx: f.members[0]!.ctx,
    insertSession,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(f.members[0]!.user.id),
    guest: await cookieFor(f.members[1]!.user.id),
  };
}

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  w = await setupWorkspace();
  other = await setupWorkspace();
});

afterAll(async () => {
  await getDbHandle().close();
});

const delivered = {
  branch: "dispatch/web-1-claude",
  commitSha: "0123456789abcdef0123456789abcdef01234567",
  filesChanged: [
    { path: "src/app.ts", additions: 1, deletions: 1 },
    { path: "docs/new name.md", additions: 1, deletions: 1 },
  ],
  diffPatch: PATCH,
};

describe("GET …/agent/sessions/[id]/diff", () => {
  it("gives members and guests the stored commit's files, hunks and numbered lines", async () => {
    const s = await w.insertSession(delivered);
    for (const who of [w.guest, w.member]) {
      const res = await call(diffRoute.GET, who, { slug: w.slug, id: s.id });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        commit_sha: delivered.commitSha,
        branch: delivered.branch,
        truncated: false,
        files: [
          {
            path: "src/app.ts",
            old_path: null,
            status: "modified",
            additions: 1,
            deletions: 1,
            binary: false,
            hunks: [
              {
                header: "@@ -1,3 +1,3 @@",
                lines: [
                  { kind: "ctx", text: "const a = 1;", old_no: 1, new_no: 1 },
                  { kind: "del", text: 'const b = "<b>old</b>";', old_no: 2, new_no: null },
                  // Agent output comes back as the text it is; the view renders it as text.
                  { kind: "add", text: 'const b = "<script>alert(1)</script>";', old_no: null, new_no: 2 },
                  { kind: "ctx", text: "export { a, b };", old_no: 3, new_no: 3 },
                ],
              },
            ],
          },
          {
            path: "docs/new name.md",
            old_path: "docs/old name.md",
            status: "renamed",
            additions: 1,
            deletions: 1,
            binary: false,
            hunks: [
              {
                header: "@@ -2 +2 @@ Title",
                lines: [
                  { kind: "del", text: "x", old_no: 2, new_no: null },
                  { kind: "note", text: "No newline at end of file", old_no: null, new_no: null },
                  { kind: "add", text: "y", old_no: null, new_no: 2 },
                ],
              },
            ],
          },
        ],
      });
    }
  });

  it("flags a patch the worker cut at its size limit", async () => {
    const s = await w.insertSession({ ...delivered, diffPatch: `${PATCH.slice(0, PATCH.indexOf("+y"))}\n… (diff truncated at 1 MB)\n` });
    const res = await call(diffRoute.GET, w.member, { slug: w.slug, id: s.id });
    expect(res.body).toMatchObject({ truncated: true });
    expect(res.body!.files.map((f: { path: string }) => f.path)).toEqual(["src/app.ts", "docs/new name.md"]);
  });

  it("answers 404 not_found:diff, with a message, for a session that stored no diff", async () => {
    const s = await w.insertSession();
    const res = await call(diffRoute.GET, w.guest, { slug: w.slug, id: s.id });
    expect(res.status).toBe(404);
    expect(res.body!.error.code).toBe("not_found:diff");
    expect(res.body!.error.message).toMatch(/no stored changes/);
  });

  it("answers 404 for another workspace's session, a non-member and a malformed id; 401 signed out", async () => {
    const theirs = await other.insertSession(delivered);
    // Through this workspace's path, with this workspace's member: not found, not forbidden.
    expect(await call(diffRoute.GET, w.member, { slug: w.slug, id: theirs.id })).toMatchObject({ status: 404, body: { error: { code: "not_found:session" } } });
    const mine = await w.insertSession(delivered);
    const stranger = await call(diffRoute.GET, other.admin, { slug: w.slug, id: mine.id });
    const missing = await call(diffRoute.GET, other.admin, { slug: "no-such-workspace", id: mine.id });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(missing.body);
    expect(JSON.stringify(stranger.body)).not.toContain("src/app.ts");
    expect((await call(diffRoute.GET, w.member, { slug: w.slug, id: "not-a-uuid" })).status).toBe(404);
    expect(await call(diffRoute.GET, null, { slug: w.slug, id: mine.id })).toMatchObject({ status: 401, body: { error: { code: "unauthorized:session" } } });
  });
});

describe("what points to the diff", () => {
  it("the session JSON names the commit, the files and whether a diff is stored, never the patch", async () => {
    const s = await w.insertSession(delivered);
    const res = await call(sessionRoute.GET, w.guest, { slug: w.slug, id: s.id });
    expect(res.body!.session).toMatchObject({ commit_sha: delivered.commitSha, branch: delivered.branch, files_changed: delivered.filesChanged, has_diff: true });
    expect(JSON.stringify(res.body)).not.toContain("alert(1)");
    const bare = await call(sessionRoute.GET, w.guest, { slug: w.slug, id: (await w.insertSession()).id });
    expect(bare.body!.session).toMatchObject({ commit_sha: null, files_changed: null, has_diff: false });
  });

  it("the timeline card says hasDiff without carrying the patch", async () => {
    const db = getDbHandle().db;
    const withDiff = await getSessionCard(db, w.memberCtx, (await w.insertSession(delivered)).id);
    expect(withDiff).toMatchObject({ hasDiff: true, branch: delivered.branch, filesChanged: delivered.filesChanged });
    expect(JSON.stringify(withDiff)).not.toContain("alert(1)");
    expect(withDiff).not.toHaveProperty("diffPatch");
    expect((await getSessionCard(db, w.memberCtx, (await w.insertSession()).id)).hasDiff).toBe(false);
  });
});

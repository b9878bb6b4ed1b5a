import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { agentSessions, agentSkills, type SessionStatus } from "@/db/schema";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { getAgentsBoard, getBoardRow, type BoardRow, type DailyTotal } from "@/lib/sessions/board";
import { TERMINAL_STATUSES } from "@/lib/sessions/status";
import * as boardRoute from "@/app/api/workspaces/[slug]/agent/board/route";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";

const DAY = 86_400_000;
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
const at = (daysAgo: number, hour = 0) => new Date(today.getTime() - daysAgo * DAY + hour * 3_600_000 + 1000);

let w: Awaited<ReturnType<typeof setupWorkspace>>;
let other: Awaited<ReturnType<typeof setupWorkspace>>;

async function setupWorkspace() {
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  const member = f.members[0]!.user;
  const web = await createProject(db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const api = await createProject(db, f.adminCtx, { name: "Api", identifier: "API" });
  const login = await createIssue(db, f.adminCtx, web, { title: "Login fails" });
  const flaky = await createIssue(db, f.adminCtx, web, { title: "Flaky test" });
  const rate = await createIssue(db, f.adminCtx, api, { title: "Rate limits" });
  const catalog = await loadCatalog(db, f.adminCtx.workspace.id);
  const claude = catalog.find((p) => p.slug === "claude")!;
  const gemini = catalog.find((p) => p.slug === "gemini")!;
  const [review] = await db
    .insert(agentSkills)
    .values({ workspaceId: f.adminCtx.workspace.id, name: "Review", trigger: "review", createdBy: f.admin.id })
    .returning();

  const insert = async (
    issue: typeof login,
    fields: Partial<typeof agentSessions.$inferInsert> & { status: SessionStatus; createdAt: Date },
    provider = claude,
    variant = 0,
  ) => {
    const [row] = await db
      .insert(agentSessions)
      .values({
        workspaceId: f.adminCtx.workspace.id,
        projectId: issue.projectId,
        issueId: issue.id,
        providerId: provider.id,
        variantId: provider.variants[variant]!.id,
        modelId: provider.variants[variant]!.modelId,
        prompt: "do it",
        timeoutMinutes: 15,
        requestedBy: f.admin.id,
        ...fields,
      })
      .returning();
    return row!;
  };

  const s = {
    // Finished, across days and issues.
    oldDone: await insert(login, { status: "completed", createdAt: at(40), inputTokens: 9999, outputTokens: 1, costUsd: "9.000000" }),
    firstDay: await insert(login, { status: "completed", createdAt: at(29, 1), inputTokens: 100, outputTokens: 20, costUsd: "0.120000" }),
    yesterdayFailed: await insert(flaky, { status: "failed", createdAt: at(1, 3), inputTokens: 50, outputTokens: 5, costUsd: "0.010000", requestedBy: member.id }, gemini),
    yesterdayDone: await insert(
      rate,
      {
        status: "completed",
        createdAt: at(1, 5),
        startedAt: at(1, 5),
        finishedAt: at(1, 6),
        inputTokens: 1000,
        outputTokens: 200,
        costUsd: "1.234567",
        branch: "agent/API-1-abcdef12",
        pullRequestUrl: "https://github.test/acme/api/pull/7",
        skillId: review!.id,
      },
      claude,
      1,
    ),
    todayCancelled: await insert(login, { status: "cancelled", createdAt: at(0), requestedBy: member.id }),
    // Active: older and newer than the finished ones, so the order is by group first.
    pendingOld: await insert(rate, { status: "pending", createdAt: at(2) }, gemini),
    runningNew: await insert(flaky, { status: "running", createdAt: at(0), startedAt: at(0), requestedBy: member.id }),
  };
  return {
    slug: f.ws.slug,
    s,
    memberId: member.id,
    guestCtx: f.members[1]!.ctx,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(member.id),
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

const board = async (who: string, query = "") => call(boardRoute.GET, who, { slug: w.slug }, { query });
const ids = (rows: BoardRow[]) => rows.map((r) => r.id);

describe("GET /agent/board", () => {
  it("lists the sessions of every issue in the workspace, active first, each group newest first", async () => {
    const res = await board(w.member);
    expect(res.status).toBe(200);
    const { s } = w;
    expect(ids(res.body!.rows)).toEqual([
      s.runningNew.id,
      s.pendingOld.id,
      s.todayCancelled.id,
      s.yesterdayDone.id,
      s.yesterdayFailed.id,
      s.firstDay.id,
      s.oldDone.id,
    ]);
    const done = (res.body!.rows as BoardRow[]).find((r) => r.id === s.yesterdayDone.id)!;
    expect(done).toEqual({
      id: s.yesterdayDone.id,
      issue: { key: "API-1", title: "Rate limits" },
      project: { identifier: "API", name: "Api" },
      provider: { slug: "claude", name: expect.any(String) },
      variant: { slug: expect.any(String), name: expect.any(String) },
      skill: { trigger: "review", name: "Review" },
      requestedBy: { id: expect.any(String), name: "Admin" },
      status: "completed",
      queue: null,
      createdAt: at(1, 5).toISOString(),
      startedAt: at(1, 5).toISOString(),
      finishedAt: at(1, 6).toISOString(),
      inputTokens: 1000,
      outputTokens: 200,
      costUsd: 1.234567,
      branch: "agent/API-1-abcdef12",
      pullRequestUrl: "https://github.test/acme/api/pull/7",
    });
    const running = (res.body!.rows as BoardRow[]).find((r) => r.id === s.runningNew.id)!;
    expect(running).toMatchObject({ issue: { key: "WEB-2", title: "Flaky test" }, skill: null, requestedBy: { name: "member" }, costUsd: null, inputTokens: null });
    // The other workspace's sessions never show.
    const otherIds = new Set(Object.values(other.s).map((x) => x.id));
    expect(ids(res.body!.rows).some((id) => otherIds.has(id))).toBe(false);
  });

  it("filters by status, status group, provider, member and project, and by several at once", async () => {
    const { s } = w;
    expect(ids((await board(w.member, "?status=running")).body!.rows)).toEqual([s.runningNew.id]);
    expect(ids((await board(w.member, "?status=active")).body!.rows)).toEqual([s.runningNew.id, s.pendingOld.id]);
    expect(ids((await board(w.member, "?status=failed,cancelled")).body!.rows)).toEqual([s.todayCancelled.id, s.yesterdayFailed.id]);
    const finished = (await board(w.member, "?status=finished")).body!.rows as BoardRow[];
    expect(finished).toHaveLength(5);
    expect(finished.every((r) => (TERMINAL_STATUSES as readonly string[]).includes(r.status))).toBe(true);
    expect(ids((await board(w.member, "?provider=gemini")).body!.rows)).toEqual([s.pendingOld.id, s.yesterdayFailed.id]);
    expect(ids((await board(w.member, `?member=${w.memberId}`)).body!.rows)).toEqual([s.runningNew.id, s.todayCancelled.id, s.yesterdayFailed.id]);
    expect(ids((await board(w.member, "?project=API")).body!.rows)).toEqual([s.pendingOld.id, s.yesterdayDone.id]);
    // Identifiers and slugs are matched case-insensitively, as people type them.
    expect(ids((await board(w.member, "?project=api")).body!.rows)).toEqual([s.pendingOld.id, s.yesterdayDone.id]);
    expect(ids((await board(w.member, `?project=WEB&provider=claude&member=${w.memberId}&status=finished`)).body!.rows)).toEqual([s.todayCancelled.id]);
    // Empty values mean "any".
    expect((await board(w.member, "?status=&provider=")).body!.rows).toHaveLength(7);
  });

  it("answers 400 naming the parameter for an unknown status, provider, project or member", async () => {
    const cases: [string, string][] = [
      ["?status=done", "status"],
      ["?status=running,bogus", "status"],
      ["?provider=openai", "provider"],
      ["?project=NOPE", "project"],
      ["?member=not-a-uuid", "member"],
      [`?member=${other.memberId}`, "member"],
      ["?provider=claude&provider=gemini", "provider"],
    ];
    for (const [query, field] of cases) {
      const res = await board(w.member, query);
      expect(res, query).toMatchObject({ status: 400, body: { error: { code: "bad_request:agent_board", field } } });
    }
    const res = await board(w.member, "?status=done");
    expect(res.body!.error.message).toMatch(/Unknown status "done".*running/);
  });

  it("lets guests read the board; non-members get the same 404 as a missing workspace; anonymous 401", async () => {
    const guest = await board(w.guest);
    expect(guest.status).toBe(200);
    expect(guest.body!.rows).toHaveLength(7);
    const stranger = await call(boardRoute.GET, other.admin, { slug: w.slug });
    const missing = await call(boardRoute.GET, other.admin, { slug: "no-such-workspace" });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(missing.body);
    expect((await call(boardRoute.GET, null, { slug: w.slug })).status).toBe(401);
  });

  it("sums runs, input + output tokens and cost per UTC day over the last 30 days, under the filters", async () => {
    const res = await board(w.member);
    const totals = res.body!.totals as DailyTotal[];
    expect(totals).toHaveLength(30);
    expect(totals[0]!.day).toBe(at(29).toISOString().slice(0, 10));
    expect(totals[29]!.day).toBe(today.toISOString().slice(0, 10));
    const byDay = (daysAgo: number) => totals.find((t) => t.day === at(daysAgo).toISOString().slice(0, 10));
    // 40 days ago is outside the window.
    expect(totals.reduce((n, t) => n + t.runs, 0)).toBe(6);
    expect(byDay(29)).toEqual({ day: at(29).toISOString().slice(0, 10), runs: 1, tokens: 120, costUsd: 0.12 });
    expect(byDay(1)!.runs).toBe(2);
    expect(byDay(1)!.tokens).toBe(1000 + 200 + 50 + 5);
    expect(byDay(1)!.costUsd).toBeCloseTo(1.244567, 6);
    expect(byDay(2)).toMatchObject({ runs: 1, tokens: 0, costUsd: 0 });
    expect(byDay(0)).toMatchObject({ runs: 2, tokens: 0, costUsd: 0 });
    expect(byDay(10)).toMatchObject({ runs: 0, tokens: 0, costUsd: 0 });

    const gemini = (await board(w.member, "?provider=gemini")).body!.totals as DailyTotal[];
    expect(gemini.reduce((n, t) => n + t.runs, 0)).toBe(2);
    expect(gemini.find((t) => t.day === at(1).toISOString().slice(0, 10))).toMatchObject({ runs: 1, tokens: 55, costUsd: 0.01 });
  });
});

describe("getBoardRow", () => {
  it("gives one session as the board shows it, and a 404 for another workspace's session or a malformed id", async () => {
    const db = getDbHandle().db;
    const board = await getAgentsBoard(db, w.guestCtx, {});
    const row = await getBoardRow(db, w.guestCtx, w.s.yesterdayDone.id);
    expect(row).toEqual(board.rows.find((r) => r.id === w.s.yesterdayDone.id));
    await expect(getBoardRow(db, w.guestCtx, other.s.runningNew.id)).rejects.toMatchObject({ code: "not_found:session" });
    await expect(getBoardRow(db, w.guestCtx, "nope")).rejects.toMatchObject({ code: "not_found:session" });
  });
});

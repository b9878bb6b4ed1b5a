import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The route handlers read these lazily; set before the first request.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.BULLMQ_PREFIX = `test-${randomBytes(4).toString("hex")}`;

import { getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { loadCatalog } from "@/db/queries/agents";
import { getSkill } from "@/db/queries/skills";
import * as configRoute from "@/app/api/workspaces/[slug]/agent/config/route";
import * as skillRoute from "@/app/api/workspaces/[slug]/agent/skills/[id]/route";
import * as skillsRoute from "@/app/api/workspaces/[slug]/agent/skills/route";
import { makeWorkspace } from "./helpers";
import { call, cookieFor } from "./route-client";

// Issue 17: admins set which actions wait for approval (per skill, and a provider default) and how
// long a question waits (per skill). Round trips, each bad field a 400 naming it, admins only.

let w: Awaited<ReturnType<typeof setupWorkspace>>;

async function setupWorkspace() {
  const db = getDbHandle().db;
  const f = await makeWorkspace(db, ["member", "guest"]);
  return {
    slug: f.ws.slug,
    workspaceId: f.ws.id,
    admin: await cookieFor(f.admin.id),
    member: await cookieFor(f.members[0]!.user.id),
    guest: await cookieFor(f.members[1]!.user.id),
  };
}

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  w = await setupWorkspace();
});

afterAll(async () => {
  await getDbHandle().close();
});

const S = () => ({ slug: w.slug });
const POLICY = { shell: "patterns", shell_patterns: ["rm", "git push"], outside_work_tree: true, tools: ["WebFetch"] };

/** Bodies that must each be refused with 400 naming the field; `approvals` is the policy object's place. */
const BAD_APPROVALS: [unknown, string][] = [
  ["all", "approvals"],
  [[], "approvals"],
  [{}, "approvals.shell"],
  [{ shell: "some" }, "approvals.shell"],
  [{ shell: "patterns", shell_patterns: "rm" }, "approvals.shell_patterns"],
  [{ shell: "patterns", shell_patterns: ["rm", ""] }, "approvals.shell_patterns.1"],
  [{ shell: "patterns", shell_patterns: ["x".repeat(101)] }, "approvals.shell_patterns.0"],
  [{ shell: "none", outside_work_tree: "yes" }, "approvals.outside_work_tree"],
  [{ shell: "none", tools: ["Web Fetch"] }, "approvals.tools.0"],
  [{ shell: "none", tools: "WebFetch" }, "approvals.tools"],
  [{ shell: "none", shellPatterns: ["rm"] }, "approvals"],
];

describe("a skill's approvals and answer wait", () => {
  it("are null (provider default, 60 minutes) unless set, round-trip as sent, and are stored as the policy the worker reads", async () => {
    const plain = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Plain", trigger: "plain" } });
    expect(plain.status).toBe(201);
    expect(plain.body!.skill).toMatchObject({ answer_wait_minutes: null, approvals: null });

    const created = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Careful", trigger: "careful", answer_wait_minutes: 30, approvals: POLICY } });
    expect(created.status).toBe(201);
    expect(created.body!.skill).toMatchObject({ answer_wait_minutes: 30, approvals: POLICY });
    const id = created.body!.skill.id as string;
    const row = await getSkill(getDbHandle().db, { workspaceId: w.workspaceId, id });
    expect(row).toMatchObject({ answerWaitMinutes: 30, approvals: { shell: "patterns", shellPatterns: ["rm", "git push"], outsideWorkTree: true, tools: ["WebFetch"] } });

    // Omitted policy fields take their defaults; a guest reads what was saved.
    const all = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { approvals: { shell: "all" }, answer_wait_minutes: 1440 } });
    expect(all.status).toBe(200);
    expect((await call(skillRoute.GET, w.guest, { ...S(), id })).body!.skill).toMatchObject({
      answer_wait_minutes: 1440,
      approvals: { shell: "all", shell_patterns: [], outside_work_tree: false, tools: [] },
      name: "Careful",
    });

    // A PATCH without the fields leaves them; null puts back the defaults.
    expect((await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { name: "Careful 2" } })).body!.skill).toMatchObject({ answer_wait_minutes: 1440, approvals: { shell: "all" } });
    const reset = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { approvals: null, answer_wait_minutes: null } });
    expect(reset.body!.skill).toMatchObject({ answer_wait_minutes: null, approvals: null });
    expect(await getSkill(getDbHandle().db, { workspaceId: w.workspaceId, id })).toMatchObject({ answerWaitMinutes: null, approvals: null });
  });

  it("refuses each bad field with 400 naming it, on create and on edit, and changes nothing", async () => {
    const created = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Kept", trigger: "kept", answer_wait_minutes: 5, approvals: POLICY } });
    const id = created.body!.skill.id as string;
    for (const wait of [0, 1441, 1.5, "60", true, -3]) {
      const edit = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { answer_wait_minutes: wait } });
      expect(edit, JSON.stringify(wait)).toMatchObject({ status: 400, body: { error: { field: "answer_wait_minutes" } } });
      const create = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "X", trigger: "x-wait", answer_wait_minutes: wait } });
      expect(create, JSON.stringify(wait)).toMatchObject({ status: 400, body: { error: { field: "answer_wait_minutes" } } });
    }
    for (const [approvals, field] of BAD_APPROVALS) {
      const edit = await call(skillRoute.PATCH, w.admin, { ...S(), id }, { method: "PATCH", body: { approvals } });
      expect(edit, JSON.stringify(approvals)).toMatchObject({ status: 400, body: { error: { field } } });
      const create = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "X", trigger: "x-approvals", approvals } });
      expect(create, JSON.stringify(approvals)).toMatchObject({ status: 400, body: { error: { field } } });
    }
    expect((await call(skillRoute.GET, w.admin, { ...S(), id })).body!.skill).toMatchObject({ answer_wait_minutes: 5, approvals: POLICY });
    const list = await call(skillsRoute.GET, w.admin, S());
    expect(list.body!.skills.map((s: { trigger: string }) => s.trigger)).not.toContain("x-wait");
    expect(list.body!.skills.map((s: { trigger: string }) => s.trigger)).not.toContain("x-approvals");
  });

  it("only admins change them: members and guests get 403 and the skill stays as it was", async () => {
    const created = await call(skillsRoute.POST, w.admin, S(), { method: "POST", body: { name: "Locked", trigger: "locked", approvals: POLICY } });
    const id = created.body!.skill.id as string;
    for (const who of [w.member, w.guest]) {
      expect((await call(skillRoute.PATCH, who, { ...S(), id }, { method: "PATCH", body: { approvals: null } })).status).toBe(403);
      expect((await call(skillRoute.PATCH, who, { ...S(), id }, { method: "PATCH", body: { answer_wait_minutes: 1 } })).status).toBe(403);
      expect((await call(skillsRoute.POST, who, S(), { method: "POST", body: { name: "Mine", trigger: "mine", approvals: { shell: "none" } } })).status).toBe(403);
    }
    expect((await call(skillRoute.GET, w.member, { ...S(), id })).body!.skill).toMatchObject({ answer_wait_minutes: null, approvals: POLICY });
  });
});

describe("a provider's default approvals (agent config)", () => {
  const put = (who: string, change: Record<string, unknown>) => call(configRoute.PUT, who, S(), { method: "PUT", body: { providers: [{ provider_slug: "claude", ...change }] } });
  const claudeOf = (body: Record<string, any> | null) => body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "claude"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const storedPolicy = async () => (await loadCatalog(getDbHandle().db, w.workspaceId)).find((p) => p.slug === "claude")!.config?.approvals ?? null;

  it("is null (nothing needs approval) until set, round-trips, leaves other settings, and null clears it", async () => {
    expect(claudeOf((await call(configRoute.GET, w.admin, S())).body).approvals).toBeNull();
    const set = await put(w.admin, { approvals: POLICY, timeout_minutes: 20 });
    expect(set.status).toBe(200);
    expect(claudeOf(set.body)).toMatchObject({ approvals: POLICY, timeout_minutes: 20 });
    expect(await storedPolicy()).toEqual({ shell: "patterns", shellPatterns: ["rm", "git push"], outsideWorkTree: true, tools: ["WebFetch"] });
    // Another provider keeps its own (none).
    const gemini = (await call(configRoute.GET, w.admin, S())).body!.providers.find((p: { provider_slug: string }) => p.provider_slug === "gemini");
    if (gemini) expect(gemini.approvals).toBeNull();

    const other = await put(w.admin, { when_full: "refuse" });
    expect(claudeOf(other.body)).toMatchObject({ approvals: POLICY, when_full: "refuse", timeout_minutes: 20 });
    const cleared = await put(w.admin, { approvals: null });
    expect(claudeOf(cleared.body).approvals).toBeNull();
    expect(await storedPolicy()).toBeNull();
  });

  it("refuses each bad field with 400 naming it and writes nothing", async () => {
    await put(w.admin, { approvals: POLICY });
    for (const [approvals, field] of BAD_APPROVALS) {
      const res = await put(w.admin, { approvals, timeout_minutes: 99 });
      expect(res, JSON.stringify(approvals)).toMatchObject({ status: 400, body: { error: { field: `providers.0.${field}` } } });
    }
    const after = claudeOf((await call(configRoute.GET, w.admin, S())).body);
    expect(after.approvals).toEqual(POLICY);
    expect(after.timeout_minutes).not.toBe(99);
  });

  it("only admins change it: members and guests get 403", async () => {
    await put(w.admin, { approvals: POLICY });
    for (const who of [w.member, w.guest]) {
      expect((await put(who, { approvals: null })).status).toBe(403);
      expect((await call(configRoute.GET, who, S())).status).toBe(403);
    }
    expect(await storedPolicy()).toMatchObject({ shell: "patterns" });
  });
});

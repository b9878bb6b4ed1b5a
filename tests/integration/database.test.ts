import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { migrationsFolder, prepareDatabase } from "@/db/migrate";
import { agentProviders, agentProviderVariants } from "@/db/schema";
import { seedProviders } from "@/db/seed";
import { addComment, getComments } from "@/lib/comments/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { authenticate } from "@/lib/users/service";
import { makeWorkspace } from "./helpers";

const rowsOf = async (q: Promise<unknown>) => ((await q) as { rows: unknown[] }).rows;

async function seededVariants(h: DbHandle) {
  return h.db
    .select({ provider: agentProviders.slug, variant: agentProviderVariants.slug, model: agentProviderVariants.modelId, isDefault: agentProviderVariants.isDefault })
    .from(agentProviderVariants)
    .innerJoin(agentProviders, eq(agentProviders.id, agentProviderVariants.providerId))
    .orderBy(agentProviders.sortOrder, agentProviderVariants.sortOrder);
}

const expectedVariants = seedProviders.flatMap((p) => p.variants.map((v) => ({ provider: p.slug, variant: v.slug, model: v.modelId, isDefault: !!v.isDefault })));

function suite(name: string, open: () => Promise<{ handle: DbHandle; url?: string; cleanup?: () => void }>) {
  describe(name, () => {
    let h: DbHandle;
const deps = { queue: new MemorySessionQueue() };
    let url: string | undefined;
    let cleanup: (() => void) | undefined;
    beforeAll(async () => {
      ({ handle: h, url, cleanup } = await open());
      await prepareDatabase(h, url);
    });
    afterAll(async () => {
      await h.close();
      cleanup?.();
    });

    it("applying migrations and the seed twice is a no-op", async () => {
      const count = () => rowsOf(h.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      const before = await count();
      const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
      expect(before).toEqual([{ n: journal.entries.length }]);
      await prepareDatabase(h, url);
      expect(await count()).toEqual(before);
      expect(await seededVariants(h)).toEqual(expectedVariants);
    });

    it("seeds Claude (sonnet default) and Gemini (pro default)", async () => {
      const defaults = (await seededVariants(h)).filter((v) => v.isDefault).map((v) => `${v.provider}-${v.variant}:${v.model}`);
      expect(defaults).toEqual(["claude-sonnet:claude-sonnet-4-6", "gemini-pro:gemini-2.5-pro"]);
    });

    it("runs the tracker: users, workspace, project, issues numbered under concurrency, comments", async () => {
      const { adminCtx, admin } = await makeWorkspace(h.db);
      expect(await authenticate(h.db, admin.email, "correct horse battery")).toMatchObject({ id: admin.id });
      expect(await authenticate(h.db, admin.email, "wrong password")).toBeNull();
      const project = await createProject(h.db, adminCtx, { name: "Web", identifier: "WEB" });
      const issues = await Promise.all(Array.from({ length: 15 }, (_, i) => createIssue(h.db, adminCtx, project, { title: `#${i}` })));
      expect(new Set(issues.map((i) => i.number)).size).toBe(15);
      await addComment(h.db, adminCtx, issues[0]!, { text: "hello" }, deps).then((r) => r.comment);
      expect((await getComments(h.db, adminCtx, issues[0]!.id)).map((c) => c.bodyHtml)).toEqual(["<p>hello</p>"]);
    });
  });
}

suite("PostgreSQL (node-postgres pool)", async () => {
  const url = inject("databaseUrl");
  return { handle: openDb({ url }), url };
});

suite("PGlite in a data folder", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-pglite-"));
  return { handle: openDb({ url: "", pgliteDir: dir }), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

describe("PGlite persistence", () => {
  it("keeps data across restarts in its folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-pglite-"));
    try {
      const first = openDb({ url: "", pgliteDir: dir });
      await prepareDatabase(first);
      await makeWorkspace(first.db);
      await first.close();
      const second = openDb({ url: "", pgliteDir: dir });
      await prepareDatabase(second);
      expect(await rowsOf(second.db.execute(sql`select count(*)::int as n from workspaces`))).toEqual([{ n: 1 }]);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

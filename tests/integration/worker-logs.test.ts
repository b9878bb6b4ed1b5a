import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const keySpec = `t:${randomBytes(32).toString("base64")}`;
process.env.BULLMQ_PREFIX = `test-${randomBytes(4).toString("hex")}`;
process.env.DISPATCH_ENCRYPTION_KEYS = keySpec;

import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { BullSessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

let h: DbHandle;
let api: ModelApi;
let queue: BullSessionQueue;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  h = await openTestPostgres();
  api = await startAnthropicApi();
  queue = new BullSessionQueue(redisUrl);
});
afterAll(async () => {
  await queue?.destroy();
  await api?.close();
  await h?.close();
});

describe("npm run worker's output", () => {
  it("is JSON lines with level, time, msg and the worker's id; a session's lines carry its session and workspace; no token appears; the HTTP port answers", async () => {
    const token = `sk-ant-oat01-${randomBytes(16).toString("hex")}`;
    const f = await makeWorkspace(h.db);
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "Logs" });
    const claude = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: {} });
    const sealed = seal(parseKeyRing(keySpec), token);
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "claude", sealed });

    const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: redisUrl, DISPATCH_MODEL_API_CLAUDE: api.url, WORKER_HTTP_PORT: "0", LOG_LEVEL: "debug", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    try {
      // The scripted API echoes the Authorization header it got into the answer: the token passes through the worker.
      const id = (await addComment(h.db, f.adminCtx, issue, { text: "@claude [script:echo-token] which credential?" }, { queue })).sessions[0]!.id;
      const end = Date.now() + 60_000;
      // Its own session's line: the worker's reconciler may also run other files' sessions of this database.
      while (!out.split("\n").some((l) => l.includes(`"sessionId":"${id}"`) && l.includes('"msg":"session done"'))) {
        if (Date.now() > end) throw new Error(`no "session done" line; stdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await getSessionOrThrow(h.db, f.adminCtx, id)).status).toBe("completed");
      const port = Number(/"msg":"health and metrics on port (\d+)"/.exec(out)?.[1]);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);

      const lines = out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const l of lines) expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
      // From the moment the worker has an id, every line names it.
      const started = lines.findIndex((l) => String(l.msg).includes("running up to"));
      expect(started).toBeGreaterThanOrEqual(0);
      for (const l of lines.slice(started)) expect(l.workerId).toEqual(lines[started]!.workerId);
      const done = lines.find((l) => l.msg === "session done" && l.sessionId === id);
      expect(done).toMatchObject({ sessionId: id, workspaceId: f.adminCtx.workspace.id, component: "worker" });
      expect(out + err).not.toContain(token);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  }, 90_000);
});

import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { listEventsAfter, toSequenced } from "@/db/queries/session-events";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { runSession } from "@/workers/run/run-session";
import { DockerSandbox } from "@/workers/sandbox/docker-sandbox";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace, openTestPostgres } from "../integration/helpers";
import { connectForTest } from "../support/connections";

// A PostgreSQL restart while an agent streams: the worker rides it out, nothing is lost or repeated.
// Real PostgreSQL (restarted with pg_ctlcluster), real Docker, the real Claude Code CLI, the scripted Messages API.

const keyRing = parseKeyRing(`f:${randomBytes(32).toString("base64")}`);
let h: DbHandle;
let api: ModelApi;
let workRoot: string;

/** Asynchronously, so the worker in this process keeps running (and writing) while PostgreSQL is down. */
async function restartPostgres() {
  const version = fs.readdirSync("/etc/postgresql")[0]!;
  await promisify(execFile)("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "restart"]);
}

beforeAll(async () => {
  h = await openTestPostgres();
  api = await startAnthropicApi();
  process.env.DISPATCH_MODEL_API_CLAUDE = api.url;
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-faults-"));
});
afterAll(async () => {
  await api?.close();
  await h?.close();
  fs.rmSync(workRoot, { recursive: true, force: true });
});

describe("a PostgreSQL restart mid-stream", () => {
  it("the run completes with every event once and in order; the worker process survives", async () => {
    const f = await makeWorkspace(h.db);
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "Ride it out" });
    const claude = (await loadCatalog(h.db, f.ws.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.ws.id, providerId: claude.id, patch: {} });
    await connectForTest(h.db, { workspaceId: f.ws.id, kind: claude.slug });
    const sealed = seal(keyRing, `sk-ant-oat01-${randomBytes(12).toString("hex")}`);
    await connectForTest(h.db, { workspaceId: f.ws.id, kind: "claude", sealed: sealed });
    const { sessions } = await addComment(h.db, f.adminCtx, issue, { text: "@claude [script:slow] go" }, { queue: new MemorySessionQueue() });
    const id = sessions[0]!.id;

    const run = runSession(
      {
        db: h.db,
        sandbox: new DockerSandbox(new Docker()),
        events: getLiveBus(),
        cancel: new MemoryCancelSignal(),
        keyRing,
        workerId: "faults",
        workRoot,
        limits: { memoryMb: 1024, cpus: 1, pids: 256 },
      },
      id,
    );
    // Restart once the answer is streaming (a few lines in), then let it finish.
    const end = Date.now() + 60_000;
    while ((await listEventsAfter(h.db, { sessionId: id, afterSeq: 0 })).filter((r) => (r.payload as { type: string }).type === "text").length < 5) {
      if (Date.now() > end) throw new Error("the run never started streaming");
      await new Promise((r) => setTimeout(r, 200));
    }
    await restartPostgres();
    await run;

    const s = await getSessionOrThrow(h.db, f.adminCtx, id);
    expect(s.status, s.errorMessage ?? "").toBe("completed");
    const log = (await listEventsAfter(h.db, { sessionId: id, afterSeq: 0 })).map(toSequenced);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    const text = log.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    const lines = [...text.matchAll(/Line (\d+) of the slow answer\./g)].map((m) => Number(m[1]));
    expect(lines).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(log.at(-1)).toMatchObject({ type: "done", status: "completed" });
  });
});

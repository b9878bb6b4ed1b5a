import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { sql } from "drizzle-orm";
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
import { INSTALLATION_LABEL, SESSION_LABEL, WORKER_LABEL } from "@/workers/sandbox/docker-sandbox";
import { installationId } from "@/workers/sandbox/installation";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { makeWorkspace, openTestPostgres } from "../integration/helpers";
import { run, waitFor } from "./support";
import { connectForTest } from "../support/connections";

// Two Docker engines on this machine stand for two hosts: each worker runs its containers on its own.
const root = path.resolve(import.meta.dirname, "../..");
const engine1 = "unix:///var/run/docker.sock";
let engine2: string;
const dockerAt = (host: string) => new Docker({ socketPath: host.replace(/^unix:\/\//, "") });

let h: DbHandle;
let api: ModelApi;
let queue: BullSessionQueue;
const children: ChildProcess[] = [];
const workRoots: string[] = [];

type Worker = { child: ChildProcess; id: () => string | undefined; log: () => string };

function startWorkerOn(dockerHost: string, name: string): Worker {
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), `dispatch-${name}-`));
  workRoots.push(workRoot);
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      REDIS_URL: redisUrl,
      DOCKER_HOST: dockerHost,
      DISPATCH_MODEL_API_CLAUDE: api.url,
      DISPATCH_WORK_DIR: workRoot,
      WORKER_CONCURRENCY: "10",
      WORKER_HEARTBEAT_MS: "1000",
      WORKER_STALE_SECONDS: "6",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const id = () => /"workerId":"([^"]+)"/.exec(log)?.[1];
  return { child, id, log: () => log };
}

beforeAll(async () => {
  engine2 = run("bash", [path.join(root, "scripts/second-docker-engine.sh"), "dispatch-docker2", "dispatch/agent-claude:latest"], { timeoutMs: 300_000 }).trim().split("\n").at(-1)!;
  h = await openTestPostgres();
  api = await startAnthropicApi();
  queue = new BullSessionQueue(redisUrl);
}, 400_000);

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await queue?.destroy();
  await api?.close();
  await h?.close();
  for (const host of [engine1, engine2].filter(Boolean)) {
    const docker = dockerAt(host);
    const mine = await docker.listContainers({ all: true, filters: { label: [`${INSTALLATION_LABEL}=${installationId({ ...process.env, DATABASE_URL: inject("databaseUrl") })}`] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  for (const r of workRoots) fs.rmSync(r, { recursive: true, force: true });
}, 120_000);

const rows = async <T>(q: ReturnType<typeof sql>) => ((await h.db.execute(q)) as unknown as { rows: T[] }).rows;
type Row = { id: string; worker_id: string | null; status: string; error_code: string | null; error_message: string | null };
const sessionRows = (ids: string[]) => rows<Row>(sql`select id, worker_id, status, error_code, error_message from agent_sessions where id in ${sql.raw(`(${ids.map((i) => `'${i}'`).join(",")})`)}`);
const containersOf = async (host: string, ids: Set<string>) =>
  (await dockerAt(host).listContainers({ all: true, filters: { label: [SESSION_LABEL] } })).filter((c) => ids.has(c.Labels[SESSION_LABEL] ?? ""));

describe("workers on two Docker engines sharing one PostgreSQL and Redis", () => {
  it("spread 20 sessions; killing one worker ends its sessions with the reason while the other finishes its own; no reaper touches the other engine", async () => {
    const f = await makeWorkspace(h.db);
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "Two engines" });
    const claude = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: { maxConcurrentSessions: 20 } });
    const sealed = seal(parseKeyRing(keySpec), "sk-ant-oat01-two-engines");
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: "claude", sealed });

    const a = startWorkerOn(engine1, "engine1");
    const b = startWorkerOn(engine2, "engine2");
    await waitFor("both workers to start", async () => a.id() && b.id() && /running up to/.test(a.log()) && /running up to/.test(b.log()), 60_000);

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await addComment(h.db, f.adminCtx, issue, { text: `@claude [script:steady] run ${i}` }, { queue })).sessions[0]!.id);
    const idSet = new Set(ids);

    // Every session claimed and the killed worker mid-stream on some of them.
    await waitFor("all 20 sessions claimed, some streaming on each worker", async () => {
      const r = await sessionRows(ids);
      const claimed = r.every((s) => s.worker_id);
      const streamingOn = (w: string | undefined) => r.some((s) => s.worker_id === w && s.status === "streaming");
      return claimed && streamingOn(a.id()) && streamingOn(b.id());
    }, 120_000);
    const split = await sessionRows(ids);
    const onA = new Set(split.filter((s) => s.worker_id === a.id()).map((s) => s.id));
    const onB = new Set(split.filter((s) => s.worker_id === b.id()).map((s) => s.id));
    console.info(`[two-engines] split: ${onA.size} sessions on engine 1's worker, ${onB.size} on engine 2's`);
    expect(onA.size + onB.size).toBe(20);
    expect(onA.size).toBeGreaterThan(0);
    expect(onB.size).toBeGreaterThan(0);
    // Each engine holds only its own worker's containers.
    expect((await containersOf(engine1, onB)).length).toBe(0);
    expect((await containersOf(engine2, onA)).length).toBe(0);
    expect((await containersOf(engine2, onB)).every((c) => c.Labels[WORKER_LABEL] === b.id())).toBe(true);

    b.child.kill("SIGKILL");
    const killedAt = Date.now();
    const ended = await waitFor("every session to end", async () => {
      const r = await sessionRows(ids);
      return r.every((s) => ["completed", "failed", "cancelled", "timed_out"].includes(s.status)) ? r : undefined;
    }, 150_000, 1000);
    console.info(`[two-engines] all ended ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    for (const s of ended) {
      if (onA.has(s.id)) expect(s, "engine 1's worker keeps working").toMatchObject({ status: "completed" });
      else expect(s).toMatchObject({ status: "failed", error_code: "worker_lost", error_message: expect.stringContaining("The worker running this session stopped") });
    }

    // Engine 1's worker sweeps every 10 s: the dead worker's containers on engine 2 are reapable (their
    // sessions ended), yet it never removes them — it sees its own engine only.
    const leftovers = await containersOf(engine2, onB);
    expect(leftovers.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 12_000));
    expect((await containersOf(engine2, onB)).map((c) => c.Id).sort()).toEqual(leftovers.map((c) => c.Id).sort());
    await waitFor("engine 1's worker to remove its own containers", async () => (await containersOf(engine1, idSet)).length === 0, 30_000);

    // The other way round: with engine 1's worker stopped, a reapable container on engine 1 stays while a
    // new worker on engine 2 clears engine 2's leftovers.
    a.child.kill("SIGTERM");
    expect(await new Promise((r) => a.child.once("exit", r))).toBe(0);
    const [doneOnA] = [...onA];
    const planted = await dockerAt(engine1).createContainer({
      Image: "dispatch/agent-claude:latest",
      Cmd: ["true"],
      Labels: { [SESSION_LABEL]: doneOnA!, [INSTALLATION_LABEL]: installationId({ ...process.env, DATABASE_URL: inject("databaseUrl") }) },
    });
    const b2 = startWorkerOn(engine2, "engine2-again");
    await waitFor("the new worker on engine 2 to clear the dead worker's containers", async () => (await containersOf(engine2, onB)).length === 0, 60_000);
    expect((await dockerAt(engine1).getContainer(planted.id).inspect()).Id).toBe(planted.id);
    await dockerAt(engine1).getContainer(planted.id).remove({ force: true });
    b2.child.kill("SIGTERM");
    await new Promise((r) => b2.child.once("exit", r));
  }, 400_000);
});

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { MemoryCancelSignal } from "@/lib/bus/cancel-signal";
import { MemoryLiveBus } from "@/lib/bus/session-events";
import { addComment } from "@/lib/comments/service";
import { parseKeyRing, seal } from "@/lib/crypto/token-box";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { getSessionOrThrow } from "@/lib/sessions/service";
import { runSession, type RunnerDeps } from "@/workers/run/run-session";
import { DockerSandbox } from "@/workers/sandbox/docker-sandbox";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

// Which Docker engine the worker talks to, and what a member sees when it is gone or hangs. The
// "engines" here are Unix sockets this test controls: one that accepts and never answers, one that
// does not exist. The worker picks them up from DOCKER_HOST, as every Docker client does.

const keyRing = parseKeyRing(`dk:${randomBytes(32).toString("base64")}`);
let h: DbHandle;
let dir: string;
let hung: net.Server;
let hungSocket: string;
const held: net.Socket[] = [];
const savedHost = process.env.DOCKER_HOST;

beforeAll(async () => {
  h = await openTestPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-docker-"));
  hungSocket = path.join(dir, "hung.sock");
  hung = net.createServer((socket) => void held.push(socket)); // reads the request, never answers
  await new Promise<void>((r) => hung.listen(hungSocket, r));
});
afterAll(async () => {
  if (savedHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedHost;
  held.forEach((s) => s.destroy());
  await new Promise((r) => hung.close(r));
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function queuedSession() {
  const f = await makeWorkspace(h.db);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Engine" });
  const claude = (await loadCatalog(h.db, f.ws.id)).find((p) => p.slug === "claude")!;
  await upsertAgentConfig(h.db, { workspaceId: f.ws.id, providerId: claude.id, patch: {} });
  await connectForTest(h.db, { workspaceId: f.ws.id, kind: claude.slug });
  const sealed = seal(keyRing, `sk-ant-oat01-${randomBytes(12).toString("hex")}`);
  await connectForTest(h.db, { workspaceId: f.ws.id, kind: "claude", sealed: sealed });
  const { sessions } = await addComment(h.db, f.adminCtx, issue, { text: "@claude go" }, { queue: new MemorySessionQueue() });
  return { id: sessions[0]!.id, ctx: f.adminCtx };
}

const deps = (sandbox: DockerSandbox): RunnerDeps => ({
  db: h.db,
  sandbox,
  events: new MemoryLiveBus(),
  cancel: new MemoryCancelSignal(),
  keyRing,
  workerId: "docker-engine-test",
  workRoot: dir,
  limits: { memoryMb: 512, cpus: 1, pids: 128 },
});

describe("the Docker engine of a worker", () => {
  it("is the one DOCKER_HOST names; one that accepts and never answers fails the session within the deadline, saying so without the host's paths", async () => {
    process.env.DOCKER_HOST = `unix://${hungSocket}`;
    const { id, ctx } = await queuedSession();
    const before = held.length;
    const t0 = Date.now();
    await runSession(deps(new DockerSandbox(undefined, "test-installation", 1_500)), id);
    const took = Date.now() - t0;
    console.info(`[docker] a hung engine failed the session after ${took} ms (deadline 1500 ms)`);
    expect(held.length).toBeGreaterThan(before); // the request went to DOCKER_HOST's socket
    expect(took).toBeLessThan(1_500 + 5_000);
    const s = await getSessionOrThrow(h.db, ctx, id);
    expect(s.status).toBe("failed");
    expect(s.errorCode).toBe("docker_not_answering");
    expect(s.errorMessage).toContain("did not answer within 2 s");
    expect(s.errorMessage).not.toContain(dir);
    expect(s.errorMessage).not.toContain(".sock");
  });

  it("an engine that is not there fails the session (not the worker's start) as unreachable", async () => {
    process.env.DOCKER_HOST = `unix://${path.join(dir, "nobody-here.sock")}`;
    const sandbox = new DockerSandbox(undefined, "test-installation", 5_000); // building it touches nothing
    const { id, ctx } = await queuedSession();
    await runSession(deps(sandbox), id);
    const s = await getSessionOrThrow(h.db, ctx, id);
    expect(s).toMatchObject({ status: "failed", errorCode: "docker_unreachable" });
    expect(s.errorMessage).toContain("could not reach its Docker engine");
    expect(s.errorMessage).not.toContain("nobody-here");
  });

  it("a malformed DOCKER_HOST fails the session naming the setting, not the start-up", async () => {
    process.env.DOCKER_HOST = "tcp://[not a host";
    const sandbox = new DockerSandbox(undefined, "test-installation", 5_000);
    const { id, ctx } = await queuedSession();
    await runSession(deps(sandbox), id);
    const s = await getSessionOrThrow(h.db, ctx, id);
    expect(s).toMatchObject({ status: "failed", errorCode: "docker_unreachable" });
    expect(s.errorMessage).toContain("DOCKER_HOST");
  });
});

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startAnthropicApi } from "../support/anthropic-api";
import { startGeminiApi } from "../support/gemini-api";
import { startGitHubStandIn } from "../support/github-server";
import { startOAuthServer } from "../support/oauth-server";
import { buildApp, buildIsStale, embeddedWorkerId, freePort, removeWorkerContainers, startNext } from "./support/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** The scripted Anthropic Messages API the server's Claude sessions talk to; GET /__requests lists what it received. */
    anthropicApiUrl: string;
    /** The scripted Code Assist API the server's Gemini sessions talk to; GET /__requests lists what it received. */
    geminiApiUrl: string;
    /** The GitHub stand-in (git smart HTTP, REST under /api/v3, OAuth); its controls are under /__standin/. */
    githubUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * A production build served by `next start` on the embedded default: a fresh PGlite data folder,
 * no Postgres, no Redis, and the worker loop inside the server. Its sessions run the real CLIs in
 * the real agent images (`npm run images`) against scripted model APIs started here, so they
 * outlive every test file. The build is reused while `.next/BUILD_ID` is newer than every source
 * (E2E_SKIP_BUILD=1 skips the check). E2E_SERVER_LOG=<file> keeps the server's output.
 */
export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== "1" && buildIsStale(root)) buildApp(root);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "dispatch-e2e-"));
  const workDir = path.join(dataDir, "sessions");
  // The stand-in for Claude's OAuth authorization server: Connect with OAuth goes there.
  const [anthropic, gemini, oauth, github] = await Promise.all([startAnthropicApi(), startGeminiApi(), startOAuthServer({ redirectPrefix: `${baseUrl}/` }), startGitHubStandIn()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DISPATCH_DATA_DIR: dataDir,
    DISPATCH_WORK_DIR: workDir,
    // The worker's model proxy forwards each container's requests here instead of the real APIs.
    DISPATCH_MODEL_API_CLAUDE: anthropic.url,
    DISPATCH_MODEL_API_GEMINI: gemini.url,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomBytes(36).toString("base64url"), // 48 characters
    ...oauth.env("claude"),
    // GitHub (an outside service) is the stand-in: clone, push, pull requests and Connect GitHub go there.
    DISPATCH_GITHUB_URL: github.url,
    DISPATCH_GITHUB_API_URL: github.apiUrl,
    DISPATCH_GITHUB_CLIENT_ID: github.oauthClient.id,
    DISPATCH_GITHUB_CLIENT_SECRET: github.oauthClient.secret,
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.DISPATCH_EMBEDDED_WORKER;
  delete env.DISPATCH_ENCRYPTION_KEYS;

  const closeApis = () => Promise.all([anthropic.close(), gemini.close(), oauth.close(), github.close()]);
  let server: Awaited<ReturnType<typeof startNext>>;
  try {
    server = await startNext({ root, port, env, readyTimeoutMs: 90_000 });
  } catch (err) {
    await closeApis();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  project.provide("baseUrl", server.url);
  project.provide("anthropicApiUrl", anthropic.url);
  project.provide("geminiApiUrl", gemini.url);
  project.provide("githubUrl", github.url);

  return async () => {
    // Read before stopping: the worker announces its id (the containers' dispatch.worker label) at start.
    const workerId = embeddedWorkerId(server.output());
    await server.stop();
    if (process.env.E2E_SERVER_LOG) fs.writeFileSync(process.env.E2E_SERVER_LOG, server.output());
    // The embedded worker does not stop its runs on SIGTERM; what was still running is removed here.
    if (workerId) {
      const removed = await removeWorkerContainers(workerId).catch((err: unknown) => {
        console.error(`[e2e] could not remove the containers of worker ${workerId}:`, err);
        return [];
      });
      if (removed.length) console.warn(`[e2e] removed ${removed.length} container(s) left running when the server stopped (sessions ${removed.join(", ")})`);
    }
    await closeApis();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

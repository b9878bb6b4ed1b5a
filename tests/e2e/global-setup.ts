import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildApp, buildIsStale, freePort, startNext } from "./support/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * A production build served by `next start` on the embedded default: a fresh PGlite data folder,
 * no Postgres, no Redis. The build is reused while `.next/BUILD_ID` is newer than every source
 * (E2E_SKIP_BUILD=1 skips the check). E2E_SERVER_LOG=<file> keeps the server's output.
 */
export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== "1" && buildIsStale(root)) buildApp(root);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "dispatch-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DISPATCH_DATA_DIR: dataDir,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomBytes(36).toString("base64url"), // 48 characters
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;

  let server: Awaited<ReturnType<typeof startNext>>;
  try {
    server = await startNext({ root, port, env, readyTimeoutMs: 90_000 });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  project.provide("baseUrl", server.url);

  return async () => {
    await server.stop();
    if (process.env.E2E_SERVER_LOG) fs.writeFileSync(process.env.E2E_SERVER_LOG, server.output());
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

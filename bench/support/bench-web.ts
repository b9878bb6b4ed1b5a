// A production `next start` for a benchmark: built first when stale, on the bench's own database,
// Redis and data folder, with no embedded worker (the bench or its worker moves the sessions).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { buildApp, buildIsStale, freePort, startNext } from "../../tests/e2e/support/server";

const root = path.resolve(import.meta.dirname, "../..");

export async function startBenchWeb(opts: { databaseUrl: string; redisUrl: string; dataDir: string; env?: Record<string, string | undefined> }) {
  delete process.env.NEXT_DIST_DIR; // the build and `next start` must both use .next
  if (buildIsStale(root)) buildApp(root);
  const port = await freePort();
  /** Signs session cookies: a bench that connects as a member encodes its own with it. */
  const secret = randomBytes(36).toString("base64url");
  const server = await startNext({
    root,
    port,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      DISPATCH_EMBEDDED_WORKER: "0",
      DISPATCH_DATA_DIR: opts.dataDir,
      DISPATCH_ENCRYPTION_KEYS: process.env.DISPATCH_ENCRYPTION_KEYS ?? `b:${randomBytes(32).toString("base64")}`,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXTAUTH_SECRET: secret,
      ...opts.env,
    },
  });
  return { server, secret };
}

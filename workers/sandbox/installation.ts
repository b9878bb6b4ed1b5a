import { createHash } from "node:crypto";
import path from "node:path";

/**
 * Names the database this process works for, so containers can be labelled with it: several
 * Dispatch installations (a dev server, a test run) may share one Docker engine, and each
 * reaper must only remove containers of sessions its own database knows about.
 */
export function installationId(env: NodeJS.ProcessEnv = process.env): string {
  const where = env.DATABASE_URL || `pglite:${path.resolve(env.DISPATCH_DATA_DIR ?? path.join(process.cwd(), ".data"))}`;
  return createHash("sha256").update(where).digest("hex").slice(0, 16);
}

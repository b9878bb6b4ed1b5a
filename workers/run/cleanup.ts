import fs from "node:fs/promises";
import { describeError } from "@/lib/log/describe-error";
import type { Run } from "./context";

/** The last step, whatever happened before: write what is buffered, remove the container, the proxy and the session's folder. */
export async function cleanup(run: Run): Promise<void> {
  await run.log.flush().catch(() => undefined);
  if (run.container) await run.container.remove().catch((err: unknown) => console.error(`[worker] removing the container failed: ${describeError(err)}`));
  await run.proxy?.close().catch(() => undefined);
  await fs.rm(run.dirs.root, { recursive: true, force: true }).catch(() => undefined);
}

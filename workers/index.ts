// npm run worker – takes queued agent sessions from Redis and runs them in Docker containers.
// Runs beside `next start`; several workers may share one Redis and one Postgres.
import { openDb } from "@/db/client";
import { advisoryLeadership } from "@/db/leader";
import { prepareDatabase } from "@/db/migrate";
import { getCancelSignal } from "@/lib/bus/cancel-signal";
import { getLiveBus } from "@/lib/bus/session-events";
import { env } from "@/lib/env";
import { routeConsoleToLog } from "@/lib/observability/log";
import { onStopSignal } from "@/lib/stop-signal";
import { startWorkerHttp } from "./http";
import { warnAboutRedisDurability } from "./redis-durability";
import { workerChecks } from "./readiness";
import { startWorker } from "./worker";

routeConsoleToLog();
try {
  env();
} catch (err) {
  console.error(`[worker] cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const redisUrl = process.env.REDIS_URL;
const databaseUrl = process.env.DATABASE_URL;
if (!redisUrl || !databaseUrl) {
  console.error("npm run worker needs REDIS_URL and DATABASE_URL. Without them, `npm start` runs the worker inside the web process.");
  process.exit(1);
}

const handle = openDb();
await prepareDatabase(handle);
await warnAboutRedisDurability(redisUrl);
const events = getLiveBus();
const cancel = getCancelSignal();
const worker = await startWorker({ db: handle.db, events, cancel, source: { redisUrl }, reconcile: { leadership: advisoryLeadership(databaseUrl, "dispatch:reconciler") } });
const httpPort = env().WORKER_HTTP_PORT;
const http = httpPort === undefined ? null : await startWorkerHttp({ port: httpPort, db: handle.db, checks: workerChecks({ db: handle.db, redisUrl }), workerId: worker.workerId });

onStopSignal(async (signal) => {
  console.info(`[worker] ${signal}: finishing running sessions`);
  await worker.stop();
  await Promise.allSettled([http?.close(), events.close(), cancel.close(), handle.close()]);
});

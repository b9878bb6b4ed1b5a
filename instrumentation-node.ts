/** Server start-up on the Node.js runtime: validate the environment, migrate and seed, start the embedded worker. */
export async function startServer() {
  // Every line as structured JSON (pretty in development), token-scrubbed, LOG_LEVEL as its floor.
  const { routeConsoleToLog } = await import("./lib/observability/log");
  routeConsoleToLog();
  let releaseDataFolder = () => {};
  try {
    const { env } = await import("./lib/env");
    env();
    const { dataDir, getDbHandle } = await import("./db/client");
    if (!process.env.DATABASE_URL) {
      const { lockDataFolder } = await import("./lib/data-lock");
      releaseDataFolder = lockDataFolder(dataDir());
    }
    const { prepareDatabase } = await import("./db/migrate");
    const handle = getDbHandle();
    await prepareDatabase(handle);
    console.info(`[dispatch] database ready (${handle.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"})`);
  } catch (err) {
    // Next would report "Ready" and answer every request with a 500; a server that cannot work should not start.
    console.error(`[dispatch] cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const { startLoopLagLog } = await import("./lib/perf/loop-lag");
  startLoopLagLog();
  const { startBackground } = await import("./instrumentation-background");
  const { describeError } = await import("./lib/log/describe-error");
  const background = await startBackground().catch((err: unknown) => {
    console.error(`[dispatch] the embedded worker did not start: ${describeError(err)}`);
    return null;
  });
  const { onStopSignal } = await import("./lib/stop-signal");
  onStopSignal(async (signal) => {
    console.info(`[dispatch] ${signal}: finishing running sessions, then stopping`);
    await background?.stop();
    const { getDbHandle } = await import("./db/client");
    await getDbHandle().close().catch(() => undefined);
    releaseDataFolder();
  }, { replace: true });
}

/** Runs once when the Next.js server starts. */
export async function register() {
  // The condition must wrap the import, so the edge bundle never sees the Node-only modules.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./instrumentation-node");
    await startServer();
  }
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/db/client";
import { healthResponse, runChecks, type Check } from "@/lib/observability/health";
import { logFor } from "@/lib/observability/log";
import { metricsResponse } from "@/lib/observability/scrape";

/**
 * The worker's small HTTP port (WORKER_HTTP_PORT): /healthz (the process is up), /readyz (it can
 * run sessions: 503 naming what fails) and /metrics (same token rule as the web's /api/metrics).
 * Nothing else is served; a supervisor or Prometheus on the worker's network reads it.
 */
export async function startWorkerHttp(args: { port: number; host?: string; db: Db; checks: Check[]; workerId: string }) {
  const answer = async (req: http.IncomingMessage): Promise<Response> => {
    const path = new URL(req.url ?? "/", "http://worker").pathname.replace(/^\/api\//, "/");
    if (req.method !== "GET" && req.method !== "HEAD") return Response.json({ error: { code: "method_not_allowed:worker", message: "GET only." } }, { status: 405 });
    if (path === "/healthz") return Response.json({ status: "ok", checks: { process: { ok: true, uptime_s: Math.round(process.uptime()) } }, worker_id: args.workerId });
    if (path === "/readyz") return healthResponse(await runChecks(args.checks));
    if (path === "/metrics") return metricsResponse(req.headers.authorization ?? null, args.db);
    return Response.json({ error: { code: "not_found:page", message: "Try /healthz, /readyz or /metrics." } }, { status: 404 });
  };
  const server = http.createServer((req, res) => {
    answer(req)
      .then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(req.method === "HEAD" ? undefined : Buffer.from(await r.arrayBuffer()));
      })
      .catch((err: unknown) => {
        logFor("worker").error({ err }, "worker HTTP request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal:worker", message: "The worker could not answer." } }));
      });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(args.port, args.host ?? "0.0.0.0", resolve));
  const port = (server.address() as AddressInfo).port;
  logFor("worker").info({ port }, `health and metrics on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "@/db/client";
import { waitingSessionCounts } from "@/db/queries/health";
import { describeError } from "@/lib/log/describe-error";
import { logFor } from "./log";
import { metrics } from "./metrics";

/**
 * Who may read metrics: with DISPATCH_METRICS_TOKEN unset they are off ("off": a 404, as if the
 * route did not exist); otherwise only `Authorization: Bearer <token>` (compared in constant time).
 */
export function metricsAccess(authorization: string | null, token = process.env.DISPATCH_METRICS_TOKEN?.trim()): "ok" | "off" | "denied" {
  if (!token) return "off";
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) ? "ok" : "denied";
}

/** Prometheus text for this process; the queue's depth is read from the database at scrape time. */
export async function scrapeMetrics(db: Db | null): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  if (db) {
    try {
      const counts = await waitingSessionCounts(db);
      for (const [status, n] of Object.entries(counts)) m.queueDepth.set({ status }, n);
    } catch (err) {
      logFor("metrics").warn(`reading the queue depth failed: ${describeError(err)}`);
    }
  }
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

/** The answer of a metrics endpoint (web route and worker port alike). */
export async function metricsResponse(authorization: string | null, db: Db | null): Promise<Response> {
  const access = metricsAccess(authorization);
  if (access === "off") return Response.json({ error: { code: "not_found:page", message: "Metrics are off: set DISPATCH_METRICS_TOKEN to serve them." } }, { status: 404 });
  if (access === "denied") return Response.json({ error: { code: "unauthorized:metrics", message: "Send Authorization: Bearer <DISPATCH_METRICS_TOKEN>." } }, { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  const { contentType, body } = await scrapeMetrics(db);
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

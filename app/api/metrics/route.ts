// GET /api/metrics – Prometheus text, with Authorization: Bearer $DISPATCH_METRICS_TOKEN (404 while it is unset)
import { getDb } from "@/db/client";
import { metricsResponse } from "@/lib/observability/scrape";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return metricsResponse(req.headers.get("authorization"), getDb());
}

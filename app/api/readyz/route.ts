// GET /api/readyz – ready for traffic: database reachable, migrations applied, Redis reachable when configured (503 otherwise)
import { getDb } from "@/db/client";
import { healthResponse, runChecks } from "@/lib/observability/health";
import { webChecks } from "@/lib/observability/readiness-checks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return healthResponse(await runChecks(webChecks(getDb)));
}

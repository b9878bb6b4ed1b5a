// GET /api/healthz – the process is up and serving (no dependency is checked; see /api/readyz)
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok", checks: { process: { ok: true, uptime_s: Math.round(process.uptime()) } } }, { headers: { "cache-control": "no-store" } });
}

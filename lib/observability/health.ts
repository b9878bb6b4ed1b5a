import { describeError } from "@/lib/log/describe-error";
import { logFor } from "./log";

/** One readiness check: resolves with optional words ("3 images present"), throws when not ready. */
export type Check = { name: string; run: () => Promise<string | void> };
export type CheckResult = { ok: boolean; ms: number; detail?: string; error?: string };
export type HealthReport = { status: "ok" | "failing"; checks: Record<string, CheckResult> };

/** A check that fails with words meant for the report (no host names, no driver text). */
export class CheckFailure extends Error {}

const DEFAULT_DEADLINE_MS = 3_000;

/**
 * Runs every check at once, each under a deadline. The report says which failed and in short
 * words (an error code, a count); the full description goes to the log, since readiness is unauthenticated.
 */
export async function runChecks(checks: Check[], deadlineMs = DEFAULT_DEADLINE_MS): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const detail = await Promise.race([
          c.run(),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckFailure(`no answer within ${deadlineMs} ms`)), deadlineMs))),
        ]);
        return [c.name, { ok: true, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) }];
      } catch (err) {
        logFor("health").warn({ check: c.name }, `readiness check ${c.name} failed: ${err instanceof CheckFailure ? err.message : describeError(err)}`);
        return [c.name, { ok: false, ms: Math.round(performance.now() - started), error: shortReason(err) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const out = Object.fromEntries(results);
  return { status: results.every(([, r]) => r.ok) ? "ok" : "failing", checks: out };
}

/** An error code from the error or its causes (drizzle wraps the driver's), else the error's class. */
function shortReason(err: unknown): string {
  if (err instanceof CheckFailure) return err.message;
  for (let cur: unknown = err, depth = 0; cur && typeof cur === "object" && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z_]{1,40}$/.test(code)) return code;
  }
  return err instanceof Error ? err.name : "error";
}

/** 200 when every check passed, 503 otherwise; never cached. */
export function healthResponse(report: HealthReport): Response {
  return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}

import { z } from "zod";
import { LOG_LEVELS } from "@/lib/observability/log-levels";

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((s) => s || undefined)
  .pipe(z.string().url().optional());
const optional = z
  .string()
  .trim()
  .optional()
  .transform((s) => s || undefined);

/** A whole number within bounds, named in the error when it is not (worker settings). */
const wholeNumber = (min: number, max: number, unit: string) =>
  optional.pipe(z.coerce.number({ invalid_type_error: `must be a whole number of ${unit}` }).int(`must be a whole number of ${unit}`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).optional());

const port = "must be a TCP port number (0–65535; 0 picks a free one)";

const envSchema = z
  .object({
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    DISPATCH_DATA_DIR: optional,
    NEXTAUTH_URL: optionalUrl,
    NEXTAUTH_SECRET: optional.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    AUTH_GITHUB_ID: optional,
    AUTH_GITHUB_SECRET: optional,
    OIDC_ISSUER: optionalUrl,
    OIDC_CLIENT_ID: optional,
    OIDC_CLIENT_SECRET: optional,
    OIDC_NAME: optional,
    // How many reverse proxies of ours append to X-Forwarded-For (lib/rate-limit/client-ip.ts); 0 or unset: none.
    DISPATCH_TRUST_PROXY: optional.pipe(z.string().regex(/^\d{1,2}$/, "must be a number of proxies (0, 1, 2, …)").optional()),
    DISPATCH_SSE_HEARTBEAT_MS: optional.pipe(z.coerce.number().int("must be a whole number of milliseconds").min(10).max(3_600_000).optional()),
    // The worker's settings (workers/worker.ts, workers/sandbox/docker-sandbox.ts): a bad value stops start-up instead of falling back.
    WORKER_CONCURRENCY: wholeNumber(1, 256, "sessions"),
    WORKER_HEARTBEAT_MS: wholeNumber(200, 60_000, "milliseconds"),
    WORKER_STALE_SECONDS: wholeNumber(2, 3_600, "seconds"),
    WORKER_GRACE_MS: wholeNumber(0, 3_600_000, "milliseconds"),
    DISPATCH_DOCKER_TIMEOUT_MS: wholeNumber(100, 600_000, "milliseconds"),
    AGENT_MEMORY_MB: wholeNumber(64, 1_048_576, "megabytes"),
    AGENT_PIDS: wholeNumber(16, 1_000_000, "processes"),
    DISPATCH_WORK_DIR: optional,
    // Build missing agent images in the background at start-up (workers/images): npm start sets 1 unless given.
    DISPATCH_AUTO_BUILD_IMAGES: optional.pipe(z.enum(["0", "1"], { message: "must be 1 (build missing agent images at start-up) or 0" }).optional()),
    AGENT_CPUS: optional.pipe(z.coerce.number({ invalid_type_error: "must be a positive number of CPUs" }).positive("must be a positive number of CPUs").max(1_024).optional()),
    // Observability (lib/observability): the log's floor, the metrics token, the worker's health/metrics port.
    LOG_LEVEL: optional.pipe(z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(", ")}` }) }).optional()),
    DISPATCH_METRICS_TOKEN: optional.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    WORKER_HTTP_PORT: optional.pipe(z.coerce.number({ invalid_type_error: port }).int(port).min(0, port).max(65_535, port).optional()),
  })
  .superRefine((env, ctx) => {
    const pairs: [keyof typeof env, keyof typeof env][] = [
      ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET"],
      ["OIDC_CLIENT_ID", "OIDC_ISSUER"],
      ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"],
    ];
    for (const [a, b] of pairs) {
      if (!!env[a] !== !!env[b]) ctx.addIssue({ code: "custom", path: [env[a] ? b : a], message: `is required when ${env[a] ? a : b} is set` });
    }
  });

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The validated environment; a missing or malformed variable stops start-up with its name. */
export function env(): Env {
  if (cached) return cached;
  const result = envSchema.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = result.data;
  return cached;
}

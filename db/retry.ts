/**
 * Connection-level failures: the server restarting or unreachable, a dropped socket. Anything
 * else (a constraint, a syntax error) is a bug or bad data and is not retried.
 */
export function isDbOutage(err: unknown): boolean {
  const e = (err as { cause?: unknown })?.cause ?? err;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string") {
    // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now; class 08: connection exceptions.
    if (code === "57P01" || code === "57P02" || code === "57P03" || code.startsWith("08")) return true;
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"].includes(code)) return true;
  }
  const message = e instanceof Error ? e.message : String(e);
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error|terminating connection/i.test(message);
}

/**
 * Runs a database write, retrying with backoff (100 ms doubling to 5 s) while the database is
 * unreachable, for at most `maxMs`; then the last error is thrown. Other errors are thrown at once.
 */
export async function retryOnDbOutage<T>(write: () => Promise<T>, opts: { maxMs?: number; onRetry?: (err: unknown, attempt: number) => void } = {}): Promise<T> {
  const deadline = Date.now() + (opts.maxMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isDbOutage(err) || Date.now() >= deadline) throw err;
      opts.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** (attempt - 1), Math.max(0, deadline - Date.now()))));
    }
  }
}

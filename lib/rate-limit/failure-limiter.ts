import { createHash } from "node:crypto";
import { DispatchError } from "@/lib/errors";
import { describeError } from "@/lib/log/describe-error";
import { MemoryCounterStore, type CounterStore } from "./counter-store";
import { RedisCounterStore } from "./redis-counter-store";
import { tooManyAttemptsMessage } from "./retry-message";
import { logFor } from "@/lib/observability/log";

/** At most `max` failures per `windowMs`; the next attempt is refused until the window ends. */
export type Limit = { name: string; max: number; windowMs: number };

const FIFTEEN_MINUTES = 15 * 60_000;

export const LIMITS = {
  signInAccount: { name: "signin:account", max: 10, windowMs: FIFTEEN_MINUTES },
  signInAddress: { name: "signin:ip", max: 10, windowMs: FIFTEEN_MINUTES },
  signUpAddress: { name: "signup:ip", max: 10, windowMs: FIFTEEN_MINUTES },
  tokenPaste: { name: "token:workspace-ip", max: 10, windowMs: FIFTEEN_MINUTES },
} as const satisfies Record<string, Limit>;

/** One counter: a limit and whom it counts (an account, an address, a workspace and address). */
export type Counter = { limit: Limit; subject: string };

/** Subjects that name a person (an e-mail) are stored hashed: counters are not a list of who tried. */
export const hashedSubject = (value: string) => createHash("sha256").update(value.trim().toLowerCase()).digest("base64url").slice(0, 27);

export const KEY_PREFIX = "dispatch:rl:";

/** Types of refusal that are the caller's fault, and so count as a failed attempt (a database outage does not). */
const FAILED_ATTEMPT_TYPES = new Set(["bad_request", "unauthorized", "forbidden", "not_found", "conflict"]);

export function tooManyAttempts(surface: string, retryAfterSeconds: number): DispatchError {
  return new DispatchError(`rate_limit:${surface}`, tooManyAttemptsMessage(retryAfterSeconds), { retryAfterSeconds });
}

/**
 * Counts failed attempts and refuses further ones once a counter reaches its limit. A store that
 * cannot be reached lets attempts through (and says so in the log): sign-in keeps working while
 * Redis is down, with the password hashing as the remaining brake.
 */
export class FailureLimiter {
  constructor(
    private readonly store: CounterStore,
    private readonly prefix = KEY_PREFIX,
  ) {}

  private key(c: Counter) {
    return `${this.prefix}${c.limit.name}:${c.subject}`;
  }

  /** Throws rate_limit:<surface> (429, Retry-After) when any counter is at its limit. */
  async assertAllowed(counters: Counter[], surface: string): Promise<void> {
    const waits = await this.safely([], () =>
      Promise.all(counters.map(async (c) => {
        const w = await this.store.peek(this.key(c));
        return w.count >= c.limit.max ? w.resetInMs : 0;
      })),
    );
    const wait = Math.max(0, ...waits);
    if (wait > 0) throw tooManyAttempts(surface, Math.ceil(wait / 1000));
  }

  async recordFailure(counters: Counter[]): Promise<void> {
    await this.safely(undefined, async () => void (await Promise.all(counters.map((c) => this.store.hit(this.key(c), c.limit.windowMs)))));
  }

  async reset(counters: Counter[]): Promise<void> {
    await this.safely(undefined, async () => void (await Promise.all(counters.map((c) => this.store.clear(this.key(c))))));
  }

  /**
   * Runs one attempt under these counters: refused when a counter is full; a failure (a refusal
   * of the caller's input, or a result `failed` says is one) counts on every counter; a success
   * clears `resetOnSuccess` (the account's counter, not the address's).
   */
  async attempt<T>(
    counters: Counter[],
    surface: string,
    run: () => Promise<T>,
    options: { failed?: (result: T) => boolean; resetOnSuccess?: Counter[] } = {},
  ): Promise<T> {
    await this.assertAllowed(counters, surface);
    let result: T;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof DispatchError && FAILED_ATTEMPT_TYPES.has(err.type)) await this.recordFailure(counters);
      throw err;
    }
    if (options.failed?.(result)) await this.recordFailure(counters);
    else if (options.resetOnSuccess?.length) await this.reset(options.resetOnSuccess);
    return result;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async safely<T>(fallback: T, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      logFor("rate-limit").error(`counters unavailable, not limiting: ${describeError(err)}`);
      return fallback;
    }
  }
}

const globalForLimiter = globalThis as unknown as { __dispatchRateLimiter?: FailureLimiter };

/** The process's limiter: Redis when REDIS_URL is set (shared by every web process), memory otherwise. */
export function getRateLimiter(): FailureLimiter {
  const url = process.env.REDIS_URL;
  globalForLimiter.__dispatchRateLimiter ??= new FailureLimiter(url ? new RedisCounterStore(url) : new MemoryCounterStore());
  return globalForLimiter.__dispatchRateLimiter;
}

/** Tests: use this limiter (its own store and key prefix) instead of the process's. */
export function setRateLimiter(limiter: FailureLimiter | undefined): void {
  globalForLimiter.__dispatchRateLimiter = limiter;
}

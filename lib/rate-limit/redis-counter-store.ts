import { Redis } from "ioredis";
import { describeError } from "@/lib/log/describe-error";
import type { CounterStore, WindowCount } from "./counter-store";
import { logFor } from "@/lib/observability/log";

// INCR, and PEXPIRE when the key is new (or, after a crash between the two, has no expiry): one
// atomic step, so concurrent failures neither lose a count nor leave a counter that never ends.
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/** Counters shared by every web process of an installation (REDIS_URL). */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;

  constructor(url: string) {
    // Sign-in waits on these calls: a slow or absent Redis must answer (with an error) quickly.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2_000, connectTimeout: 2_000, connectionName: `dispatch-rate-limit-${process.pid}` });
    this.redis.on("error", (err) => logFor("rate-limit").error(`redis error: ${describeError(err)}`));
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, key, String(windowMs))) as [number, number];
    return { count, resetInMs: ttl };
  }

  async peek(key: string): Promise<WindowCount> {
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [[Error | null, string | null], [Error | null, number]];
    return count === null || ttl < 0 ? { count: 0, resetInMs: 0 } : { count: Number(count), resetInMs: ttl };
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

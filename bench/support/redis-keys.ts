import type { Redis } from "ioredis";

/** Deletes every key matching `pattern` (SCAN, never KEYS): a bench's leftovers on a shared Redis. */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<void> {
  const keys: string[] = [];
  for (let cursor = "0"; ; ) {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    keys.push(...found);
    cursor = next;
    if (cursor === "0") break;
  }
  if (keys.length) await redis.del(...keys);
}

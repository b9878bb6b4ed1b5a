import { Redis } from "ioredis";
import { logFor } from "@/lib/observability/log";

/**
 * Queued jobs and live events live in Redis: a Redis that forgets them on restart, or evicts
 * keys under memory pressure, delays sessions until the reconciler rebuilds the line. Says so
 * at start-up; never stops it.
 */
export async function warnAboutRedisDurability(url: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: `dispatch-check-${process.pid}` });
  redis.on("error", () => undefined);
  const problems: string[] = [];
  try {
    await redis.connect();
    const [, aof] = (await redis.config("GET", "appendonly")) as string[];
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as string[];
    if (aof !== "yes") problems.push("appendonly is off (set appendonly yes): queued jobs are lost when Redis restarts");
    if (policy && policy !== "noeviction") problems.push(`maxmemory-policy is ${policy} (set noeviction): Redis may drop queued jobs under memory pressure`);
  } catch (err) {
    problems.push(`its settings could not be read (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    redis.disconnect();
  }
  for (const p of problems) logFor("worker").warn(`Redis ${p}. The reconciler re-queues lost sessions, but only after a delay.`);
  return problems;
}

import { Redis } from "ioredis";
import type { Db } from "@/db/client";
import { pendingMigrations, pingDatabase } from "@/db/queries/health";
import { migrationsFolder } from "@/db/migrate";
import { CheckFailure, type Check } from "./health";

/** What web and worker both need: the database answers and has every migration. */
export function databaseChecks(db: () => Db): Check[] {
  return [
    { name: "database", run: () => pingDatabase(db()) },
    {
      name: "migrations",
      run: async () => {
        const pending = await pendingMigrations(db(), migrationsFolder());
        if (pending.length) throw new CheckFailure(`${pending.length} not applied (${pending.join(", ")})`);
      },
    },
  ];
}

/** Redis answers PING, on a short-lived connection (a probe every few seconds costs one connect). */
export function redisCheck(url: string): Check {
  return {
    name: "redis",
    run: async () => {
      const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed".
      let socketError: unknown = null;
      client.on("error", (err) => (socketError ??= err));
      try {
        await client.connect().catch((err: unknown) => {
          throw socketError ?? err;
        });
        const answer = await client.ping();
        if (answer !== "PONG") throw new CheckFailure(`unexpected answer to PING`);
      } finally {
        client.disconnect();
      }
    },
  };
}

/** The web process: database, migrations, and Redis when the installation uses it. */
export function webChecks(db: () => Db, redisUrl = process.env.REDIS_URL): Check[] {
  return [...databaseChecks(db), ...(redisUrl ? [redisCheck(redisUrl)] : [])];
}

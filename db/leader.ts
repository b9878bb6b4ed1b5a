import pg from "pg";

/** Whether this process is the one that runs installation-wide chores (the reconciler) right now. */
export interface Leadership {
  isLeader(): Promise<boolean>;
  close(): Promise<void>;
}

/** Embedded PGlite has one process by construction (the data folder is locked): it always leads. */
export const soleLeadership: Leadership = { isLeader: async () => true, close: async () => undefined };

/**
 * A PostgreSQL session-level advisory lock held on a connection of its own (outside the pool):
 * exactly one process holds it, and the server releases it when that process dies or its
 * connection drops, so a killed leader is replaced on the next attempt of any other process.
 */
export function advisoryLeadership(url: string, name: string): Leadership {
  let client: pg.Client | null = null;
  let leading = false;
  let closed = false;
  const drop = () => {
    const c = client;
    client = null;
    leading = false;
    c?.end().catch(() => undefined);
  };
  return {
    async isLeader() {
      if (closed) return false;
      if (client && leading) return true;
      try {
        if (!client) {
          const c = new pg.Client({ connectionString: url, application_name: `dispatch-leader-${process.pid}` });
          c.on("error", drop);
          c.on("end", () => client === c && drop());
          client = c;
          await c.connect();
        }
        const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtext($1)::bigint) as ok", [name]);
        leading = rows[0]?.ok === true;
        return leading;
      } catch {
        drop();
        return false;
      }
    },
    async close() {
      closed = true;
      const c = client;
      client = null;
      leading = false;
      await c?.end().catch(() => undefined);
    },
  };
}

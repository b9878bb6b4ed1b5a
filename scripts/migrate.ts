// npm run db:migrate – apply pending migrations and the seed to DATABASE_URL (or the embedded PGlite).
import { openDb } from "../db/client";
import { prepareDatabase } from "../db/migrate";

const handle = openDb();
try {
  await prepareDatabase(handle);
  console.log(`migrations and seed applied (${handle.kind})`);
} finally {
  await handle.close();
}

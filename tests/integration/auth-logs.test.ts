import { randomBytes } from "node:crypto";
import { format } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
delete process.env.REDIS_URL;

// The server action reads the request's headers through next/headers, which exists only inside Next.
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

import { getDb, getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { signUpAction } from "@/app/actions/sign-up";
import * as signupRoute from "@/app/api/signup/route";
import { call } from "./route-client";

const tag = randomBytes(3).toString("hex");
// Only this file's addresses trip it (NOT VALID: existing rows are not checked), so other files running at once are unaffected.
const constraint = `test_refuse_${tag}`;
const password = "correct horse battery staple";

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
  await getDb().execute(sql.raw(`ALTER TABLE users ADD CONSTRAINT ${constraint} CHECK (email NOT LIKE 'refuse-${tag}-%') NOT VALID`));
});
afterAll(async () => {
  await getDb().execute(sql.raw(`ALTER TABLE users DROP CONSTRAINT IF EXISTS ${constraint}`));
  await getDbHandle().close();
});

/** Everything the process printed while `run` ran, as the console would have written it. */
async function captureLogs(run: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(format(...args))),
  );
  try {
    await run();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return lines.join("\n");
}

describe("a sign-up that fails in the database", () => {
  it.each([
    ["POST /api/signup", async (input: Record<string, string>) => (await call(signupRoute.POST, null, {}, { method: "POST", body: input })).body],
    ["the sign-up server action", async (input: Record<string, string>) => signUpAction(input as { name: string; email: string; password: string })],
  ])("through %s logs the database code and a reference, not the e-mail, name or password hash", async (_via, signUp) => {
    const email = `refuse-${tag}-${randomBytes(3).toString("hex")}@example.test`;
    const name = `Ada ${tag}`;
    let answer: unknown;
    const logs = await captureLogs(async () => {
      answer = await signUp({ name, email, password });
    });
    expect(JSON.stringify(answer)).toContain("internal:server");
    expect(logs).toMatch(/unexpected error \(ref [0-9a-f]{8}\): .*code=23514 constraint=test_refuse_/);
    for (const secret of [email, name, password, "scrypt$", "params:", "insert into"]) expect(logs).not.toContain(secret);
  });
});

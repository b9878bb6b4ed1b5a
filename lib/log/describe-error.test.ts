import { describe, expect, it } from "vitest";
import { describeError } from "./describe-error";

const email = "ada.lovelace@example.test";
const hash = "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$" + "h".repeat(86);
const sealed = "v1.k1." + "Q".repeat(60);
const comment = "my secret plan for the launch";

/** drizzle-orm's DrizzleQueryError as it is built (drizzle-orm stays inside db/): the message quotes query and params. */
class DrizzleQueryError extends Error {
  constructor(
    readonly query: string,
    readonly params: unknown[],
    cause: unknown,
  ) {
    super(`Failed query: ${query}\nparams: ${params}`, { cause });
  }
}

/** What node-postgres throws for a unique violation: message and detail quote the value. */
function pgError(fields: Record<string, string>, message: string) {
  return Object.assign(new Error(message), { name: "error", severity: "ERROR", ...fields });
}

describe("describeError", () => {
  it("a failed insert: names, SQLSTATE, constraint and table, and none of the row's values", () => {
    const cause = pgError(
      { code: "23505", constraint: "users_email_key", table: "users", detail: `Key (email)=(${email}) already exists.` },
      `duplicate key value violates unique constraint "users_email_key"`,
    );
    const err = new DrizzleQueryError('insert into "users" ("email", "name", "password_hash") values ($1, $2, $3)', [email, "Ada", hash], cause);
    const line = describeError(err);
    expect(line).toBe("DrizzleQueryError <- caused by error code=23505 constraint=users_email_key table=users");
    for (const secret of [email, hash, "password_hash", "Key (email)"]) expect(line).not.toContain(secret);
  });

  it("withholds a query's parameters wherever they appear, tokens and comment bodies included", () => {
    const wrapped = new Error(`Failed query: insert into "comments" values ($1, $2)\nparams: ${comment},${sealed}`, {
      cause: pgError({ code: "22021" }, `invalid byte sequence for encoding "UTF8": 0x00 in "${comment}"`),
    });
    const line = describeError(wrapped);
    expect(line).toBe("Error: (query withheld) <- caused by error code=22021");
    expect(line).not.toContain(comment);
    expect(line).not.toContain(sealed);
  });

  it("keeps an ordinary error's message, redacting e-mails, password hashes and token-like strings", () => {
    const line = describeError(new TypeError(`cannot read 'id' of undefined for ${email} with ${hash} and gho_${"a".repeat(36)} and ${sealed}`));
    expect(line).toMatch(/^TypeError: cannot read 'id' of undefined for \[redacted\]/);
    for (const secret of [email, hash, sealed, "gho_"]) expect(line).not.toContain(secret);
  });

  it("keeps system error codes and stays one short line", () => {
    const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432\n    at x"), { code: "ECONNREFUSED" });
    expect(describeError(err)).toBe("Error code=ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432 at x");
    expect(describeError(new Error("x".repeat(1000))).length).toBeLessThan(260);
  });

  it("says what was thrown when it is not an error, without printing it", () => {
    expect(describeError(`password=${hash}`)).toBe("thrown string");
    expect(describeError(undefined)).toBe("unknown error");
  });

  it("stops after a few causes even when they loop", () => {
    const a: { name: string; cause?: unknown } = { name: "A" };
    a.cause = a;
    expect(describeError(a).split("<- caused by").length).toBe(5);
  });
});

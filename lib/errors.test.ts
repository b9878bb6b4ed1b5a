import { format } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { DispatchError, toDispatchError } from "./errors";

describe("DispatchError", () => {
  it("maps its type to the HTTP status and a JSON body", async () => {
    const err = new DispatchError("conflict:workspace_slug", "taken", { field: "slug" });
    const res = err.toResponse();
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: "conflict:workspace_slug", message: "taken", field: "slug" } });
    expect(new DispatchError("rate_limit:invoke", "slow down").status).toBe(429);
  });

  it("hides unexpected errors behind a generic message", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = toDispatchError(new Error('relation "users" does not exist at 10.0.0.5'));
    expect(err.code).toBe("internal:server");
    expect(err.message).not.toContain("relation");
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  it("logs a failed query by its codes and a reference, never its parameters", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const hash = `scrypt$32768$8$1$${"s".repeat(22)}$${"h".repeat(86)}`;
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      severity: "ERROR",
      code: "23505",
      constraint: "users_email_key",
      table: "users",
      detail: "Key (email)=(ada@example.test) already exists.",
    });
    const query = Object.assign(new Error(`Failed query: insert into "users" values ($1, $2)\nparams: ada@example.test,${hash}`, { cause }), {
      query: 'insert into "users" values ($1, $2)',
      params: ["ada@example.test", hash],
    });
    const err = toDispatchError(query);
    const logged = spy.mock.calls.map((args) => format(...args)).join("\n");
    spy.mockRestore();
    expect(logged).toMatch(/unexpected error \(ref [0-9a-f]{8}\): Error <- caused by Error code=23505 constraint=users_email_key table=users/);
    expect(logged).not.toContain("ada@example.test");
    expect(logged).not.toContain("scrypt$");
    expect(err.message).toContain(logged.match(/ref ([0-9a-f]{8})/)![1]);
  });
});

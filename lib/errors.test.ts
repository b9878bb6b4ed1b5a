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
});

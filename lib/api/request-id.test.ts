import { describe, expect, it } from "vitest";
import { captureLogLines, logFor } from "@/lib/observability/log";
import { withRequest } from "./handler";

const route = withRequest(async () => {
  logFor("test").info("inside the handler");
  return Response.json({ ok: true });
});
const call = (headers: Record<string, string> = {}) => route(new Request("http://localhost/api/x", { headers }), { params: Promise.resolve({}) });

describe("request ids", () => {
  it("every line a route logs carries the request's id, which the answer names in X-Request-Id", async () => {
    const lines: string[] = [];
    const stop = captureLogLines(lines);
    const given = await call({ "x-request-id": "proxy-id-1234" });
    const fresh = await call();
    const hostile = await call({ "x-request-id": "<script>\n" });
    stop();
    expect(given.headers.get("x-request-id")).toBe("proxy-id-1234");
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const ids = lines.map((l) => (JSON.parse(l) as { requestId?: string }).requestId);
    expect(ids).toEqual(["proxy-id-1234", fresh.headers.get("x-request-id"), hostile.headers.get("x-request-id")]);
  });
});

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelProxy } from "./model-proxy";
import { SetupReplyCache } from "./setup-cache";

// A real upstream on loopback and the real proxy on a Unix socket, as a container reaches it.
type Seen = { path: string; auth: string | undefined; body: string };
let upstream: http.Server;
let base: string;
const seen: Seen[] = [];
let status = 200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-test-"));

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization, body });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ n: seen.length, path: req.url }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(socketPath: string, url: string, body: string, auth = "Bearer from-the-container"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, method: "POST", headers: { "content-type": "application/json", authorization: auth } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const SETUP = "/v1internal:loadCodeAssist";
const KEEP = [{ path: SETUP, keepMs: 60_000 }];

describe("the model proxy's start-up reply cache", () => {
  it("answers a repeated set-up call from the cache, per credential and body; other calls and failures always go upstream", async () => {
    const cache = new SetupReplyCache();
    const start = (name: string, token: string) => startModelProxy(path.join(dir, `${name}.sock`), base, { headers: { authorization: `Bearer ${token}` }, cacheable: KEEP, cache });
    const a = await start("a", "token-a");
    const b = await start("b", "token-b");
    try {
      seen.length = 0;
      const first = await post(path.join(dir, "a.sock"), SETUP, '{"metadata":1}');
      const again = await post(path.join(dir, "a.sock"), SETUP, '{"metadata":1}');
      expect(first).toEqual({ status: 200, body: JSON.stringify({ n: 1, path: SETUP }) });
      expect(again).toEqual(first);
      // Upstream saw one call, with the worker's credential (never the container's).
      expect(seen).toEqual([{ path: SETUP, auth: "Bearer token-a", body: '{"metadata":1}' }]);

      // Another body, another credential (another workspace), another path: upstream each time.
      await post(path.join(dir, "a.sock"), SETUP, '{"metadata":2}');
      await post(path.join(dir, "b.sock"), SETUP, '{"metadata":1}');
      await post(path.join(dir, "a.sock"), "/v1internal:retrieveUserQuota", "{}");
      await post(path.join(dir, "a.sock"), "/v1internal:retrieveUserQuota", "{}");
      expect(seen.map((s) => `${s.auth} ${s.path} ${s.body}`)).toEqual([
        `Bearer token-a ${SETUP} {"metadata":1}`,
        `Bearer token-a ${SETUP} {"metadata":2}`,
        `Bearer token-b ${SETUP} {"metadata":1}`,
        "Bearer token-a /v1internal:retrieveUserQuota {}",
        "Bearer token-a /v1internal:retrieveUserQuota {}",
      ]);

      // A failed reply is passed on and not kept.
      status = 503;
      expect((await post(path.join(dir, "a.sock"), SETUP, '{"metadata":3}')).status).toBe(503);
      status = 200;
      expect(await post(path.join(dir, "a.sock"), SETUP, '{"metadata":3}')).toMatchObject({ status: 200 });
      expect(seen.filter((s) => s.body === '{"metadata":3}')).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
      status = 200;
    }
  });

  it("forgets a reply after its time", () => {
    let now = 0;
    const cache = new SetupReplyCache(() => now);
    const key = SetupReplyCache.key({ authorization: "Bearer t" }, SETUP, Buffer.from("{}"));
    cache.set(key, { status: 200, headers: {}, body: Buffer.from("x") }, 1000);
    now = 1000;
    expect(cache.get(key)?.body.toString()).toBe("x");
    now = 1001;
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, { status: 500, headers: {}, body: Buffer.from("no") }, 1000);
    expect(cache.get(key)).toBeUndefined();
  });
});

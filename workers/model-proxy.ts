import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { measure } from "@/lib/observability/metrics";
import { SetupReplyCache, type SetupCall } from "./setup-cache";

/** Where the container's MCP bridge posts; never forwarded upstream. */
export const MCP_PATH = "/_dispatch/mcp";

export type UpstreamFailure = { status?: number; unreachable?: boolean };

const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "x-goog-api-key", "proxy-authorization"];

/**
 * The worker's end of the container's only way out: an HTTP server on a Unix socket (mounted
 * into the container) that forwards each request to one upstream API base URL, streaming both
 * ways, and adds the session's credential. Nothing else is reachable from inside.
 */
export async function startModelProxy(
  socketPath: string,
  upstreamBase: string,
  opts: {
    headers?: Record<string, string>;
    /** The dispatch MCP server's messages (docker/shared/mcp-bridge.mjs). */
    mcp?: (body: string) => Promise<unknown>;
    /** POST paths whose replies may be served from `cache` (the CLI's start-up calls), e.g. `/v1internal:loadCodeAssist`. */
    cacheable?: SetupCall[];
    cache?: SetupReplyCache;
  } = {},
) {
  const base = new URL(upstreamBase);
  // What the API last refused with: a run that fails is explained by it (credential, rate limit, overload).
  let lastFailure: UpstreamFailure | null = null;
  const client = base.protocol === "https:" ? https : http;
  const server = http.createServer((req, res) => {
    if (req.url === MCP_PATH && req.method === "POST" && opts.mcp) return answerMcp(req, res, opts.mcp);
    const setup = req.method === "POST" ? opts.cacheable?.find((c) => c.path === req.url) : undefined;
    if (opts.cache && setup) return forwardCached(req, res, opts.cache, setup.keepMs);
    forward(req, res);
  });

  /** The request as it came, body and all (it is small), answered from the cache or else upstream and then kept. */
  function forwardCached(req: http.IncomingMessage, res: http.ServerResponse, cache: SetupReplyCache, keepMs: number) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const key = SetupReplyCache.key(opts.headers ?? {}, req.url ?? "", body);
      const hit = cache.get(key);
      if (hit) {
        measure((m) => m.modelProxyRequests.inc({ status: "cached" }));
        return res.writeHead(hit.status, hit.headers).end(hit.body);
      }
      forward(req, res, body, (reply) => cache.set(key, reply, keepMs));
    });
  }

  /** To the upstream with the worker's credential; `body` when the request was already read, `keep` sees a whole reply. */
  function forward(req: http.IncomingMessage, res: http.ServerResponse, body?: Buffer, keep?: (reply: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }) => void) {
    const target = new URL(base.pathname.replace(/\/$/, "") + (req.url ?? "/"), base);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: base.host };
    // Whatever credential the container sent is dropped; the worker's own is added.
    for (const h of CREDENTIAL_HEADERS) delete headers[h];
    Object.assign(headers, opts.headers);
    const upstream = client.request(target, { method: req.method, headers }, (up) => {
      const status = up.statusCode ?? 502;
      measure((m) => m.modelProxyRequests.inc({ status: String(status) }));
      lastFailure = status >= 400 ? { status } : status < 300 ? null : lastFailure;
      res.writeHead(status, up.headers);
      if (keep) {
        const parts: Buffer[] = [];
        up.on("data", (c: Buffer) => parts.push(c));
        up.on("end", () => keep({ status, headers: up.headers, body: Buffer.concat(parts) }));
      }
      up.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) lastFailure = { unreachable: true };
      if (!res.headersSent) measure((m) => m.modelProxyRequests.inc({ status: "unreachable" }));
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: `model API unreachable: ${err.message}` } }));
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
    res.on("close", () => upstream.destroy());
  }
  // A question can keep one request open for as long as a member takes to answer.
  server.requestTimeout = 0;
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  // The container's user (uid 1000) must be able to connect.
  fs.chmodSync(socketPath, 0o666);
  return {
    upstreamFailure: () => lastFailure,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const MAX_MCP_BODY = 1024 * 1024;

function answerMcp(req: http.IncomingMessage, res: http.ServerResponse, handle: (body: string) => Promise<unknown>) {
  let body = "";
  let tooLong = false;
  req.setEncoding("utf8");
  req.on("data", (c: string) => {
    body += c;
    if (body.length > MAX_MCP_BODY) tooLong = true;
  });
  req.on("end", async () => {
    if (tooLong) return res.writeHead(413).end();
    const reply = await handle(body).catch(() => null);
    if (reply === null) return res.writeHead(202).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
  });
}

import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { measure } from "@/lib/observability/metrics";

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
  opts: { headers?: Record<string, string>; /** The dispatch MCP server's messages (docker/shared/mcp-bridge.mjs). */ mcp?: (body: string) => Promise<unknown> } = {},
) {
  const base = new URL(upstreamBase);
  // What the API last refused with: a run that fails is explained by it (credential, rate limit, overload).
  let lastFailure: UpstreamFailure | null = null;
  const client = base.protocol === "https:" ? https : http;
  const server = http.createServer((req, res) => {
    if (req.url === MCP_PATH && req.method === "POST" && opts.mcp) return answerMcp(req, res, opts.mcp);
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
      up.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) lastFailure = { unreachable: true };
      if (!res.headersSent) measure((m) => m.modelProxyRequests.inc({ status: "unreachable" }));
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: `model API unreachable: ${err.message}` } }));
    });
    req.pipe(upstream);
    res.on("close", () => upstream.destroy());
  });
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

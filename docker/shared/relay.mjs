// Inside the agent container (no network): accepts the CLI's HTTP connections on loopback and
// pipes each one to the worker through the mounted Unix socket. Writes nothing to stdout.
// Loaded into the CLI's own Node process (`node --import relay.mjs cli.js`): no second Node has to
// start, and the CLI's code runs only once the relay listens (top-level await), so no wait is needed.
import net from "node:net";
import { isMainThread } from "node:worker_threads";

const socketPath = process.env.DISPATCH_API_SOCKET ?? "/run/dispatch/api.sock";
const port = Number(process.env.DISPATCH_RELAY_PORT ?? 8787);

// Only once: a worker thread or a forked child of the CLI inherits `--import` (and this marker).
if (isMainThread && !process.env.DISPATCH_RELAY_LISTENING) await listen();

async function listen() {
  const server = net.createServer((client) => {
    const upstream = net.connect(socketPath);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve)).catch((err) => {
    process.stderr.write(`Error: the model API relay cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
    process.exit(70);
  });
  process.env.DISPATCH_RELAY_LISTENING = "1";
  // Never keeps the CLI alive on its own.
  server.unref();
}

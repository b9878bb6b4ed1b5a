// Inside the agent container (no network): accepts the CLI's HTTP connections on loopback and
// pipes each one to the worker through the mounted Unix socket. Writes nothing to stdout.
import net from "node:net";

const socketPath = process.env.DISPATCH_API_SOCKET ?? "/run/dispatch/api.sock";
const port = Number(process.env.DISPATCH_RELAY_PORT ?? 8787);

net
  .createServer((client) => {
    const upstream = net.connect(socketPath);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  })
  .listen(port, "127.0.0.1");

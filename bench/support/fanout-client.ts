// The client side of bench/fanout.ts, in its own process: holds many Server-Sent Events
// connections (plain HTTP with the session cookie), parses their frames and records when each
// bench event arrives; also tails a bare Redis stream (the XADD → XREAD floor). Driven over IPC.
// Times are CLOCK_MONOTONIC milliseconds (process.hrtime), which every process on the machine shares.
import http from "node:http";
import { Redis } from "ioredis";
import { hrMs, type ClientCommand, type ClientReply } from "./fanout-protocol";

const TEXT = /"text":"bench#(\d+)@([\d.]+)"/;

const base = process.env.FANOUT_BASE!;
const cookie = process.env.FANOUT_COOKIE!;
const send = (m: ClientReply) => process.send!(m);

/** Arrivals of bench events: tag, arrival time, stamp (flat, three numbers per event). */
let arrivals: number[] = [];
let floor: number[] = [];
let dropped: string[] = [];
const groups = new Map<string, Set<http.ClientRequest>>();
let openCount = 0;

type Conn = { req: http.ClientRequest; ready: Promise<void> };

/** One SSE connection; `onFrame` sees every complete frame. Resolves `ready` on the `ready` frame. */
function connect(path: string, onFrame?: (event: string, data: string) => void, onClose?: (why: string) => void): Conn {
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  let isReady = false;
  let ended = false;
  const req = http.get(`${base}${path}`, { agent: false, headers: { cookie, accept: "text/event-stream" } }, (res) => {
    if (res.statusCode !== 200) {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => rejectReady(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 300)}`)));
      return;
    }
    res.setEncoding("utf8");
    let buf = "";
    res.on("data", (chunk: string) => {
      const t = hrMs();
      buf += chunk;
      for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = "message";
        let data = "";
        for (const line of frame.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (event === "ready" && !isReady) {
          isReady = true;
          resolveReady();
        } else if (event === "session") {
          const m = TEXT.exec(data);
          if (m) arrivals.push(Number(m[1]), t, Number(m[2]));
        }
        onFrame?.(event, data);
      }
    });
    res.on("close", () => {
      if (!ended) onClose?.(`the server closed ${path}`);
      if (!isReady) rejectReady(new Error(`GET ${path} closed before its ready frame`));
    });
  });
  req.on("error", (err) => {
    if (ended) return;
    if (!isReady) rejectReady(new Error(`GET ${path}: ${err.message}`));
    else onClose?.(`${path}: ${err.message}`);
  });
  const destroy = req.destroy.bind(req);
  req.destroy = (e?: Error) => {
    ended = true;
    return destroy(e);
  };
  return { req, ready };
}

async function open(cmd: Extract<ClientCommand, { op: "open" }>) {
  const set = groups.get(cmd.group) ?? new Set();
  groups.set(cmd.group, set);
  const connectMs: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cmd.paths.length) {
      const path = cmd.paths[next++]!;
      const t0 = hrMs();
      const c = connect(path, undefined, (why) => {
        if (set.delete(c.req)) openCount--;
        dropped.push(why);
      });
      set.add(c.req);
      openCount++;
      try {
        await c.ready;
        connectMs.push(hrMs() - t0);
      } catch (err) {
        if (set.delete(c.req)) openCount--;
        c.req.destroy();
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.paths.length) }, worker));
  send({ op: "opened", id: cmd.id, group: cmd.group, open: openCount, connectMs, failures: failures.slice(0, 20).concat(failures.length > 20 ? [`… ${failures.length - 20} more`] : []) });
}

function close(cmd: Extract<ClientCommand, { op: "close" }>) {
  const set = groups.get(cmd.group) ?? new Set();
  for (const req of set) req.destroy();
  openCount -= set.size;
  groups.delete(cmd.group);
  send({ op: "closed", id: cmd.id, group: cmd.group, n: set.size });
}

function probe(cmd: Extract<ClientCommand, { op: "probe" }>) {
  const t0 = hrMs();
  let tReady = 0;
  let done = false;
  // Frames before `ready` are the replay (earlier bench events of the session): only a live one counts.
  const c = connect(cmd.path, (event, data) => {
    if (done) return;
    if (event === "ready") {
      tReady = hrMs();
      return send({ op: "probe-ready", id: cmd.id, connectToReadyMs: tReady - t0 });
    }
    const m = event === "session" && tReady ? TEXT.exec(data) : null;
    if (!m) return;
    done = true;
    const at = hrMs();
    send({ op: "probe-event", id: cmd.id, tag: Number(m[1]), at, readyToEventMs: at - tReady });
    c.req.destroy();
  });
  c.ready.catch((err: Error) => {
    if (done) return;
    done = true;
    send({ op: "probe-failed", id: cmd.id, error: err.message });
  });
  setTimeout(() => {
    if (done) return;
    done = true;
    c.req.destroy();
    send({ op: "probe-failed", id: cmd.id, error: `no live event within 15 s of connecting to ${cmd.path}` });
  }, 15_000);
}

let floorReader: Redis | null = null;
async function startFloor(cmd: Extract<ClientCommand, { op: "floor" }>) {
  const r = new Redis(cmd.redisUrl, { maxRetriesPerRequest: null });
  floorReader = r;
  let cursor = "$";
  const first = (await r.xrevrange(cmd.stream, "+", "-", "COUNT", 1)) as [string, string[]][];
  cursor = first[0]?.[0] ?? "0-0";
  send({ op: "floor-started", id: cmd.id });
  while (floorReader === r) {
    const res = (await r.xread("COUNT", 1000, "BLOCK", 5000, "STREAMS", cmd.stream, cursor).catch(() => null)) as [string, [string, string[]][]][] | null;
    const t = hrMs();
    for (const [, entries] of res ?? []) {
      for (const [id, fields] of entries) {
        cursor = id;
        floor.push(t - Number(fields[1]));
      }
    }
  }
}

process.on("message", (cmd: ClientCommand) => {
  const fail = (err: unknown) => send({ op: "error", id: cmd.id, error: err instanceof Error ? err.message : String(err) });
  switch (cmd.op) {
    case "open":
      return void open(cmd).catch(fail);
    case "close":
      return close(cmd);
    case "probe":
      return probe(cmd);
    case "floor":
      return void startFloor(cmd).catch(fail);
    case "collect":
      send({ op: "collected", id: cmd.id, arrivals, floor, dropped, open: openCount });
      arrivals = [];
      floor = [];
      dropped = [];
      return;
    case "stop": {
      for (const g of [...groups.keys()]) close({ op: "close", id: cmd.id, group: g });
      const r = floorReader;
      floorReader = null;
      r?.disconnect();
      send({ op: "stopped", id: cmd.id });
      return void setTimeout(() => process.exit(0), 50);
    }
  }
});
process.on("disconnect", () => process.exit(0));

import { LiveClient, liveUrl, type LiveConnection, type LiveMessage, type LiveTopics } from "./live-client";

/** Tab → worker. */
export type ToWorker = { op: "subscribe"; id: number; url: string; topics: LiveTopics } | { op: "unsubscribe"; id: number } | { op: "ping" } | { op: "bye" };
/** Worker → tab. */
export type FromWorker = { id: number; msg: LiveMessage } | { id: number; state: "open" | "reconnecting" };

/** The browser's SharedWorker port, as far as this uses it. */
type PortLike = { postMessage(m: ToWorker): void; onmessage: ((e: MessageEvent<FromWorker>) => void) | null; start(): void };

const PING_MS = 5_000;

/**
 * The tab's side of a live connection that all tabs of this browser share: subscriptions go to
 * a SharedWorker that holds the one EventSource; messages come back on the port.
 */
export class SharedLiveConnection implements LiveConnection {
  private nextId = 1;
  private readonly handlers = new Map<number, { onMessage: (m: LiveMessage) => void; onState?: (s: "open" | "reconnecting") => void }>();

  constructor(
    private readonly port: PortLike,
    private readonly url: string,
  ) {
    port.onmessage = (e) => {
      const h = this.handlers.get(e.data.id);
      if (!h) return;
      if ("msg" in e.data) h.onMessage(e.data.msg);
      else h.onState?.(e.data.state);
    };
    port.start();
    // The worker cannot see a tab go away: it forgets a port that stops pinging.
    setInterval(() => port.postMessage({ op: "ping" }), PING_MS);
    addEventListener("pagehide", () => port.postMessage({ op: "bye" }));
  }

  subscribe(topics: LiveTopics, onMessage: (m: LiveMessage) => void, onState?: (s: "open" | "reconnecting") => void) {
    const id = this.nextId++;
    this.handlers.set(id, { onMessage, onState });
    this.port.postMessage({ op: "subscribe", id, url: this.url, topics });
    return () => {
      this.handlers.delete(id);
      this.port.postMessage({ op: "unsubscribe", id });
    };
  }
}

const connections = new Map<string, LiveConnection>();

/**
 * The live connection for a workspace: shared by every tab through a SharedWorker where the
 * browser has one, else one per tab.
 */
export function liveConnectionFor(slug: string): LiveConnection {
  let c = connections.get(slug);
  if (c) return c;
  const url = liveUrl(slug);
  if (typeof SharedWorker === "function") {
    try {
      const worker = new SharedWorker(new URL("./live.worker.ts", import.meta.url), { name: "dispatch-live" });
      c = new SharedLiveConnection(worker.port as unknown as PortLike, url);
    } catch {
      c = new LiveClient(url);
    }
  } else {
    c = new LiveClient(url);
  }
  connections.set(slug, c);
  // Which kind this tab got, for people (and tests) who want to know.
  document.documentElement.dataset.live = c instanceof SharedLiveConnection ? "shared" : "tab";
  return c;
}

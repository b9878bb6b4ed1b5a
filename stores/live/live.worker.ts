// The SharedWorker behind every tab of this browser: one EventSource per workspace for all of them.
import { LiveClient } from "./live-client";
import type { FromWorker, ToWorker } from "./shared-live";

type Port = { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null; start(): void };
type Tab = { port: Port; subs: Map<number, () => void>; lastSeen: number };

const STALE_MS = 20_000;
const clients = new Map<string, LiveClient>();
const tabs = new Set<Tab>();

const clientFor = (url: string) => {
  let c = clients.get(url);
  if (!c) clients.set(url, (c = new LiveClient(url)));
  return c;
};

function forget(tab: Tab) {
  for (const off of tab.subs.values()) off();
  tab.subs.clear();
  tabs.delete(tab);
}

(self as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) => {
  const port = e.ports[0] as unknown as Port;
  const tab: Tab = { port, subs: new Map(), lastSeen: Date.now() };
  tabs.add(tab);
  port.onmessage = ({ data }) => {
    tab.lastSeen = Date.now();
    if (data.op === "subscribe") {
      const off = clientFor(data.url).subscribe(
        data.topics,
        (msg) => port.postMessage({ id: data.id, msg }),
        (state) => port.postMessage({ id: data.id, state }),
      );
      tab.subs.set(data.id, off);
    } else if (data.op === "unsubscribe") {
      tab.subs.get(data.id)?.();
      tab.subs.delete(data.id);
    } else if (data.op === "bye") {
      forget(tab);
    }
  };
  port.start();
};

// A tab that was closed or frozen without saying bye stops pinging: its topics are dropped.
setInterval(() => {
  const now = Date.now();
  for (const tab of tabs) if (now - tab.lastSeen > STALE_MS) forget(tab);
}, STALE_MS / 2);

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Seconds buckets for waits and runs: from a fast container start to a long agent run. */
const SHORT = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LONG = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

function build() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    sessionsStarted: new Counter({ name: "dispatch_sessions_started_total", help: "Sessions a worker claimed, by provider", labelNames: ["provider"], registers: r }),
    sessionsEnded: new Counter({ name: "dispatch_sessions_ended_total", help: "Sessions that reached a terminal status, by provider, status and reason code", labelNames: ["provider", "status", "code"], registers: r }),
    queueDepth: new Gauge({ name: "dispatch_queue_depth", help: "Sessions waiting to run (pending: holds a slot, waits for a worker; queued: waits for a slot)", labelNames: ["status"], registers: r }),
    queueWait: new Histogram({ name: "dispatch_queue_wait_seconds", help: "From a session's creation to a worker claiming it", labelNames: ["provider"], buckets: [...SHORT, 60, 300, 900], registers: r }),
    runDuration: new Histogram({ name: "dispatch_session_run_seconds", help: "From the container running to the session's end", labelNames: ["provider", "status"], buckets: LONG, registers: r }),
    firstEvent: new Histogram({ name: "dispatch_session_first_event_seconds", help: "From the container running to the agent's first output", labelNames: ["provider"], buckets: SHORT, registers: r }),
    containerStart: new Histogram({ name: "dispatch_container_start_seconds", help: "Creating, attaching to and starting a session's container", buckets: SHORT, registers: r }),
    sseConnections: new Gauge({ name: "dispatch_sse_connections", help: "Open Server-Sent Events streams", labelNames: ["route"], registers: r }),
    eventsPublished: new Counter({ name: "dispatch_events_published_total", help: "Events announced on the live bus after they were stored", labelNames: ["kind"], registers: r }),
    eventsDelivered: new Counter({ name: "dispatch_events_delivered_total", help: "Events written to open Server-Sent Events streams", labelNames: ["route"], registers: r }),
    tokenRefreshes: new Counter({ name: "dispatch_token_refreshes_total", help: "Provider token refreshes, by provider and result (ok, refused, error)", labelNames: ["provider", "result"], registers: r }),
    modelProxyRequests: new Counter({ name: "dispatch_model_proxy_requests_total", help: "Requests the worker's model proxy forwarded, by upstream status (or unreachable, or cached: a start-up reply it kept)", labelNames: ["status"], registers: r }),
  };
}

export type Metrics = ReturnType<typeof build>;

// On globalThis: Next bundles modules more than once, and a metric may be registered only once.
const globalForMetrics = globalThis as unknown as { __dispatchMetrics?: Metrics };

/** This process's metrics (web or worker; the embedded default has both in one). */
export function metrics(): Metrics {
  globalForMetrics.__dispatchMetrics ??= build();
  return globalForMetrics.__dispatchMetrics;
}

/** A metric hook must never break what it measures. */
export function measure(fn: (m: Metrics) => void): void {
  try {
    fn(metrics());
  } catch {
    // A label mistake is a bug in the hook, never a failed session or request.
  }
}

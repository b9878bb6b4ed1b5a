// What bench/fanout.ts and its client processes (fanout-client.ts) say to each other over IPC.

export type ClientCommand =
  | { op: "open"; id: number; group: string; paths: string[]; concurrency: number }
  | { op: "close"; id: number; group: string }
  | { op: "probe"; id: number; path: string }
  | { op: "floor"; id: number; redisUrl: string; stream: string }
  | { op: "collect"; id: number }
  | { op: "stop"; id: number };

export type ClientReply =
  | { op: "opened"; id: number; group: string; open: number; connectMs: number[]; failures: string[] }
  | { op: "closed"; id: number; group: string; n: number }
  | { op: "probe-ready"; id: number; connectToReadyMs: number }
  | { op: "probe-event"; id: number; tag: number; at: number; readyToEventMs: number }
  | { op: "probe-failed"; id: number; error: string }
  | { op: "floor-started"; id: number }
  /** arrivals: three numbers per bench event received (tag, arrival time, stamp); floor: XADD → XREAD latencies (ms). */
  | { op: "collected"; id: number; arrivals: number[]; floor: number[]; dropped: string[]; open: number }
  | { op: "stopped"; id: number }
  | { op: "error"; id: number; error: string };

/** CLOCK_MONOTONIC in milliseconds: the same clock in every process of the machine. */
export const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

/** The text of a bench event: its tag and when the bench stamped it (just before writing it to the database). */
export const benchText = (tag: number, stampMs: number) => `bench#${tag}@${stampMs.toFixed(3)}`;

import { monitorEventLoopDelay } from "node:perf_hooks";
import { logFor } from "@/lib/observability/log";

/**
 * With DISPATCH_LOOP_LAG_LOG=1 (or a period in ms) the server prints, once per period, how late
 * its event loop ran (perf_hooks.monitorEventLoopDelay, reset each period) and its memory:
 * `[loop-lag] t=<monotonic ms> p50=… p99=… max=… ms rss=… heap=… MB`. For benchmarks (bench/fanout.ts).
 */
export function startLoopLagLog(setting = process.env.DISPATCH_LOOP_LAG_LOG): void {
  if (!setting || setting === "0") return;
  const periodMs = setting === "1" ? 1000 : Math.max(100, Number(setting) || 1000);
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  setInterval(() => {
    const m = process.memoryUsage();
    const t = Number(process.hrtime.bigint() / 1_000_000n);
    logFor("loop-lag").info(`t=${t} p50=${ms(h.percentile(50))} p99=${ms(h.percentile(99))} max=${ms(h.max)} rss=${mb(m.rss)} heap=${mb(m.heapUsed)}`);
    h.reset();
  }, periodMs).unref();
}

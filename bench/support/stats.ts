// Small helpers for the benchmarks: percentiles, and memory / CPU of a process tree from /proc.
import fs from "node:fs";

/** The q-quantile (0..1) by nearest rank; NaN for no data. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const max = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => (b > a ? b : a), -Infinity) : NaN);
export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** "p50 / p95 / max" of a list, each with `digits` decimals. */
export const spread = (xs: readonly number[], digits = 1) =>
  [quantile(xs, 0.5), quantile(xs, 0.95), max(xs)].map((n) => (Number.isFinite(n) ? n.toFixed(digits) : "–")).join(" / ");

const CLK_TCK = 100;

/** The process and all its descendants (from /proc), as pids. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** Resident memory (MB) and CPU time used so far (s, user + system) of a process and its descendants. */
export function processTree(root: number | undefined): { rssMb: number; cpuS: number } {
  if (!root) return { rssMb: NaN, cpuS: NaN };
  let rssKb = 0;
  let ticks = 0;
  for (const pid of tree(root)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return { rssMb: rssKb / 1024, cpuS: ticks / CLK_TCK };
}

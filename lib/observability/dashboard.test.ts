import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metrics } from "./metrics";

describe("docs/grafana-dashboard.json", () => {
  it("plots only metrics this code exports, and every dispatch_ metric has a panel", async () => {
    const dashboard = fs.readFileSync(path.join(process.cwd(), "docs", "grafana-dashboard.json"), "utf8");
    const used = new Set([...dashboard.matchAll(/\b(dispatch_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!));
    const exported = new Set((await metrics().registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith("dispatch_")));
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
    expect([...exported].filter((n) => !used.has(n))).toEqual([]);
  });
});

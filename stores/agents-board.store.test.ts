import { autorun } from "mobx";
import { describe, expect, it } from "vitest";
import { NO_FILTERS, type BoardFilters, type BoardRow } from "@/lib/sessions/board-view";
import { AgentsBoardStore } from "./agents-board.store";

let n = 0;
/** A row created `minutesAgo` before a fixed instant. */
function row(minutesAgo: number, fields: Partial<BoardRow> = {}): BoardRow {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    issue: { key: "WEB-1", title: "Login fails" },
    project: { identifier: "WEB", name: "Web" },
    provider: { slug: "claude", name: "Claude" },
    variant: { slug: "sonnet", name: "Claude Sonnet" },
    skill: null,
    requestedBy: { id: "u-ada", name: "Ada" },
    status: "completed",
    queue: null,
    createdAt: new Date(Date.UTC(2026, 11, 3, 12) - minutesAgo * 60_000).toISOString(),
    startedAt: null,
    finishedAt: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    branch: null,
    pullRequestUrl: null,
    ...fields,
  };
}

const ids = (store: AgentsBoardStore) => store.rows.map((r) => r.id);

describe("AgentsBoardStore", () => {
  it("shows active sessions first, then finished ones, newest first in each group", () => {
    const oldRunning = row(30, { status: "running" });
    const newDone = row(1);
    const oldDone = row(60, { status: "failed" });
    const newPending = row(2, { status: "pending" });
    const store = new AgentsBoardStore();
    store.hydrate([oldDone, newDone, oldRunning, newPending], NO_FILTERS);
    expect(ids(store)).toEqual([newPending.id, oldRunning.id, newDone.id, oldDone.id]);
  });

  it("upsert puts a new session at the top of its group and keeps a finished one where it belongs", () => {
    const running = row(10, { status: "running" });
    const done = row(20);
    const store = new AgentsBoardStore();
    store.hydrate([running, done], NO_FILTERS);

    const fresh = row(0, { status: "pending", queue: { position: 2, reason: "Claude is at its limit of 3 runs" } });
    store.upsert(fresh);
    expect(ids(store)).toEqual([fresh.id, running.id, done.id]);
    expect(store.rows[0]!.queue).toEqual({ position: 2, reason: "Claude is at its limit of 3 runs" });

    // The running one finishes: it leaves the active group but stays above older finished runs.
    store.upsert({ ...running, status: "completed", costUsd: 0.42 });
    expect(ids(store)).toEqual([fresh.id, running.id, done.id]);
    expect(store.rows[1]).toMatchObject({ status: "completed", costUsd: 0.42 });

    // The pending one fails: the order becomes newest first among finished ones.
    store.upsert({ ...fresh, status: "failed", queue: null });
    expect(ids(store)).toEqual([fresh.id, running.id, done.id]);
    expect(store.rows.every((r) => r.status !== "pending")).toBe(true);
  });

  it("drops a row that no longer matches the filters and never adds one that does not", () => {
    const filters: BoardFilters = { statuses: ["pending", "running", "streaming"], provider: "claude", member: null, project: null };
    const running = row(5, { status: "running" });
    const store = new AgentsBoardStore();
    store.hydrate([running], filters);

    store.upsert({ ...running, status: "completed" });
    expect(store.rows).toEqual([]);

    store.upsert(row(1, { status: "running", provider: { slug: "gemini", name: "Gemini" } }));
    expect(store.rows).toEqual([]);

    const other = row(0, { status: "pending" });
    store.upsert(other);
    expect(ids(store)).toEqual([other.id]);
  });

  it("filters by member and project as the server does", () => {
    const filters: BoardFilters = { statuses: null, provider: null, member: "u-bob", project: "API" };
    const store = new AgentsBoardStore();
    store.hydrate([], filters);
    store.upsert(row(1, { requestedBy: { id: "u-bob", name: "Bob" }, project: { identifier: "WEB", name: "Web" } }));
    store.upsert(row(2, { requestedBy: null, project: { identifier: "API", name: "Api" } }));
    const match = row(3, { requestedBy: { id: "u-bob", name: "Bob" }, project: { identifier: "API", name: "Api" } });
    store.upsert(match);
    expect(ids(store)).toEqual([match.id]);
  });

  it("ignores an active update that arrives after the session finished", () => {
    const s = row(1, { status: "cancelled" });
    const store = new AgentsBoardStore();
    store.hydrate([s], NO_FILTERS);
    store.upsert({ ...s, status: "streaming" });
    expect(store.rows[0]!.status).toBe("cancelled");
  });

  it("keeps at most `limit` rows, letting the oldest finished run fall off", () => {
    const store = new AgentsBoardStore(3);
    const a = row(40);
    const b = row(30);
    const oldActive = row(50, { status: "running" });
    store.hydrate([a, b, oldActive], NO_FILTERS);
    const c = row(10);
    store.upsert(c);
    expect(ids(store)).toEqual([oldActive.id, c.id, b.id]);
    // An update for a run older than everything shown does not push a newer one out.
    store.upsert(row(100));
    expect(ids(store)).toEqual([oldActive.id, c.id, b.id]);
  });

  it("a re-read that was in flight when a run ended live does not bring it back to running", () => {
    const s = row(1, { status: "running" });
    const store = new AgentsBoardStore();
    store.hydrate([s], NO_FILTERS);
    store.upsert({ ...s, status: "failed" }); // the live row arrives first…
    store.hydrate([s], NO_FILTERS); // …then the snapshot read just before the run ended
    expect(store.rows[0]!.status).toBe("failed");
  });

  it("hydrate replaces the rows and the filters", () => {
    const store = new AgentsBoardStore();
    store.hydrate([row(1), row(2)], NO_FILTERS);
    const only = row(3, { provider: { slug: "gemini", name: "Gemini" } });
    store.hydrate([only], { ...NO_FILTERS, provider: "gemini" });
    expect(ids(store)).toEqual([only.id]);
    expect(store.filters.provider).toBe("gemini");
  });

  it("observers see each change", () => {
    const store = new AgentsBoardStore();
    store.hydrate([], NO_FILTERS);
    const seen: number[] = [];
    const stop = autorun(() => seen.push(store.rows.length));
    store.upsert(row(1, { status: "running" }));
    store.upsert(row(2));
    stop();
    expect(seen).toEqual([0, 1, 2]);
  });
});

import { action, computed, makeObservable, observable } from "mobx";
import { BOARD_LIMIT, compareBoardRows, matchesBoardFilters, NO_FILTERS, type BoardFilters, type BoardRow } from "@/lib/sessions/board-view";
import { isTerminal } from "@/lib/sessions/status";
import type { LiveConnection } from "./live/live-client";

export interface IAgentsBoardStore {
  /** Active sessions first, then finished ones, newest first in each group. */
  readonly rows: BoardRow[];
  readonly filters: BoardFilters;
  hydrate(rows: BoardRow[], filters: BoardFilters): void;
  upsert(row: BoardRow): void;
  follow(connection: LiveConnection, reload: () => Promise<BoardRow[] | null>): () => void;
}

/**
 * The Agents page's table. The server renders it; live updates come in through `upsert`, which
 * keeps the page's filters and order, so a session that changes status moves (or leaves) by itself.
 */
export class AgentsBoardStore implements IAgentsBoardStore {
  rowsById = new Map<string, BoardRow>();
  filters: BoardFilters = NO_FILTERS;

  constructor(private readonly limit = BOARD_LIMIT) {
    makeObservable(this, { rowsById: observable.shallow, filters: observable.ref, rows: computed, hydrate: action, upsert: action });
  }

  get rows(): BoardRow[] {
    return [...this.rowsById.values()].sort(compareBoardRows);
  }

  hydrate(rows: BoardRow[], filters: BoardFilters) {
    // A re-read races the live rows that arrive while it is in flight: a session the stream already
    // showed as ended stays ended even if the snapshot was taken just before (terminal states never change).
    const ended = new Map([...this.rowsById].filter(([, r]) => isTerminal(r.status)));
    this.filters = filters;
    this.rowsById.clear();
    for (const r of rows) {
      const held = ended.get(r.id);
      this.rowsById.set(r.id, held && !isTerminal(r.status) ? held : r);
    }
  }

  /**
   * Live: every status change of the workspace's sessions, as the row the table shows. This topic
   * has no replay: each time the connection is (re)established (`ready`), the table is read again,
   * so nothing that happened while it was down is missing.
   */
  follow(connection: LiveConnection, reload: () => Promise<BoardRow[] | null>): () => void {
    return connection.subscribe({ issues: [], sessions: [], agents: true }, (m) => {
      if (m.kind === "agents" && m.row) this.upsert(m.row);
      else if (m.kind === "ready") void reload().then((rows) => rows && this.hydrate(rows, this.filters));
    });
  }

  upsert(row: BoardRow) {
    const held = this.rowsById.get(row.id);
    // Terminal states never change: an active row arriving after the finished one is stale.
    if (held && isTerminal(held.status) && !isTerminal(row.status)) return;
    if (!matchesBoardFilters(row, this.filters)) {
      this.rowsById.delete(row.id);
      return;
    }
    this.rowsById.set(row.id, row);
    if (this.rowsById.size > this.limit) {
      // Like the server's query: what falls off is the end of the order (the oldest finished run).
      const last = this.rows[this.rows.length - 1]!;
      this.rowsById.delete(last.id);
    }
  }
}

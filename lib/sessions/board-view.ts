import type { SessionStatus } from "@/db/schema";
import { isTerminal } from "./status";

/**
 * The Agents page's rows and filters as plain JSON, shared by the server (which builds them)
 * and the browser store (which keeps them in order as sessions change). No framework or
 * database imports here.
 */
export type BoardRow = {
  id: string;
  issue: { key: string; title: string };
  project: { identifier: string; name: string };
  provider: { slug: string; name: string };
  variant: { slug: string; name: string };
  skill: { trigger: string; name: string } | null;
  /** Null when the member who asked was deleted. */
  requestedBy: { id: string; name: string } | null;
  status: SessionStatus;
  /** Where the session waits in the queue and why; null when it is not waiting (or not known). */
  queue: { position: number; reason: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  branch: string | null;
  pullRequestUrl: string | null;
};

/** The board's filters once checked: null means "any". `statuses` is already expanded (`active` → every active status). */
export type BoardFilters = {
  statuses: SessionStatus[] | null;
  provider: string | null;
  member: string | null;
  project: string | null;
};

/** Enough for a busy team's day; active sessions come first, so finished ones are what gets cut off. */
export const BOARD_LIMIT = 200;

export const NO_FILTERS: BoardFilters = { statuses: null, provider: null, member: null, project: null };

/** What the filter bar offers. */
export type BoardFilterOptions = {
  providers: { slug: string; name: string }[];
  projects: { identifier: string; name: string }[];
  members: { id: string; name: string }[];
};

export type DailyTotal = { day: string; runs: number; tokens: number; costUsd: number };

/** The search params of the page and of the API route; `status` may also be `active` or `finished`. */
export const BOARD_PARAMS = ["status", "provider", "member", "project"] as const;
export type BoardParam = (typeof BOARD_PARAMS)[number];
export const STATUS_GROUPS = ["active", "finished"] as const;

export function matchesBoardFilters(row: BoardRow, f: BoardFilters): boolean {
  return (
    (f.statuses === null || f.statuses.includes(row.status)) &&
    (f.provider === null || row.provider.slug === f.provider) &&
    (f.member === null || row.requestedBy?.id === f.member) &&
    (f.project === null || row.project.identifier === f.project)
  );
}

/** Active sessions first, then finished ones; newest first within each (ties by id, as the query orders them). */
export function compareBoardRows(a: BoardRow, b: BoardRow): number {
  const group = Number(isTerminal(a.status)) - Number(isTerminal(b.status));
  if (group !== 0) return group;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The issue page scrolled to this session's card. */
export const sessionHref = (slug: string, row: Pick<BoardRow, "id" | "issue">) =>
  `/${encodeURIComponent(slug)}/issue/${encodeURIComponent(row.issue.key)}#session-${row.id}`;

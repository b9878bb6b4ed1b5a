import { ordinal, WAITING_FOR_WORKER } from "./format";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getBoardOptions, listBoardDailyTotals, listBoardRows, type BoardOptions, type BoardQueryRow, type BoardWhere } from "@/db/queries/session-board";
import { sessionStatus, type SessionStatus } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { issueKey } from "@/lib/issues/schemas";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { BOARD_LIMIT, BOARD_PARAMS, STATUS_GROUPS, type BoardFilterOptions, type BoardFilters, type BoardParam, type BoardRow, type DailyTotal } from "./board-view";
import { isTerminal, TERMINAL_STATUSES } from "./status";

export { BOARD_LIMIT } from "./board-view";
export type { BoardFilterOptions, BoardFilters, BoardRow, DailyTotal } from "./board-view";

export const TOTAL_DAYS = 30;

/** Every status the board can filter on, from the database enum: a status added there appears here. */
export const BOARD_STATUSES: readonly SessionStatus[] = sessionStatus.enumValues;

export type BoardQuery = Partial<Record<BoardParam, string | string[] | undefined>>;

export type Board = {
  rows: BoardRow[];
  totals: DailyTotal[];
  filters: BoardFilters;
  /** What the filter bar offers; no internal ids but the members' (the `member` parameter is a user id). */
  options: BoardFilterOptions;
};

const bad = (field: BoardParam, message: string) => new DispatchError("bad_request:agent_board", message, { field });
/** The given value in a message, cut short: it comes from a URL. */
const quote = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/** One value per parameter (`status` also takes a comma-separated list); empty means "any". */
function single(query: BoardQuery, field: BoardParam): string | null {
  const raw = query[field];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter(Boolean);
  if (values.length > 1) throw bad(field, `Give ${field} once.`);
  return values[0] ?? null;
}

function parseStatuses(raw: string | null): SessionStatus[] | null {
  if (!raw) return null;
  const picked = new Set<SessionStatus>();
  for (const word of raw.split(",").map((w) => w.trim()).filter(Boolean)) {
    if (word === "active") BOARD_STATUSES.filter((s) => !isTerminal(s)).forEach((s) => picked.add(s));
    else if (word === "finished") TERMINAL_STATUSES.forEach((s) => picked.add(s));
    else if ((BOARD_STATUSES as readonly string[]).includes(word)) picked.add(word as SessionStatus);
    else throw bad("status", `Unknown status ${quote(word)}: use ${[...STATUS_GROUPS, ...BOARD_STATUSES].join(", ")}.`);
  }
  return picked.size ? BOARD_STATUSES.filter((s) => picked.has(s)) : null;
}

/** The option a parameter names, null when it is not given, a 400 when it names nothing. */
function lookup<T>(query: BoardQuery, field: BoardParam, find: (value: string) => T | undefined, unknown: (value: string) => string): T | null {
  const value = single(query, field);
  if (value === null) return null;
  const found = find(value);
  if (found === undefined) throw bad(field, unknown(value));
  return found;
}

/**
 * Checks the query against the workspace: an unknown status, provider, project or member is a
 * 400 naming the parameter, never an empty page that looks like "no runs".
 */
export function resolveBoardQuery(query: BoardQuery, options: BoardOptions, workspaceId: string): { filters: BoardFilters; where: BoardWhere } {
  const statuses = parseStatuses(single(query, "status"));

  const provider = lookup(
    query,
    "provider",
    (v) => options.providers.find((p) => p.slug === v.toLowerCase()),
    (v) => `Unknown provider ${quote(v)}: use ${options.providers.map((p) => p.slug).join(", ")}.`,
  );
  const project = lookup(
    query,
    "project",
    (v) => options.projects.find((p) => p.identifier === v.toUpperCase()),
    (v) => `There is no project ${quote(v)} in this workspace.`,
  );
  const member = lookup(
    query,
    "member",
    (v) => options.members.find((m) => m.id === v.toLowerCase()),
    () => "member must be the id of a member of this workspace.",
  );

  return {
    filters: { statuses, provider: provider?.slug ?? null, member: member?.id ?? null, project: project?.identifier ?? null },
    where: { workspaceId, statuses, providerId: provider?.id ?? null, requestedBy: member?.id ?? null, projectId: project?.id ?? null },
  };
}

export function toBoardRow(r: BoardQueryRow): BoardRow {
  return {
    id: r.id,
    issue: { key: issueKey(r.projectIdentifier, r.issueNumber), title: r.issueTitle },
    project: { identifier: r.projectIdentifier, name: r.projectName },
    provider: { slug: r.providerSlug, name: r.providerName },
    variant: { slug: r.variantSlug, name: r.variantName },
    skill: r.skillTrigger ? { trigger: r.skillTrigger, name: r.skillName ?? r.skillTrigger } : null,
    requestedBy: r.requesterId ? { id: r.requesterId, name: r.requesterName ?? "Someone" } : null,
    status: r.status,
    queue: r.status === "queued" ? { position: r.queuePosition ?? 0, reason: r.queuePosition ? `${ordinal(r.queuePosition)} in line` : WAITING_FOR_WORKER } : null,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd === null ? null : Number(r.costUsd),
    branch: r.branch,
    pullRequestUrl: r.pullRequestUrl,
  };
}

/** Midnight UTC `days - 1` days before `now`: with today, `days` whole days. */
export function totalsSince(now: Date, days = TOTAL_DAYS): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
}

/** One entry per day from `since` to today, zeros where nothing ran, so a chart has no gaps. */
export function fillDays(rows: DailyTotal[], since: Date, days = TOTAL_DAYS): DailyTotal[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return byDay.get(day) ?? { day, runs: 0, tokens: 0, costUsd: 0 };
  });
}

/**
 * The Agents page: sessions of every issue in the workspace and the daily totals of the last
 * 30 days, both under the same filters. Anyone in the workspace reads it (guests included).
 */
export async function getAgentsBoard(db: Db, ctx: WorkspaceContext, query: BoardQuery, now = new Date()): Promise<Board> {
  requireRole(ctx, "guest");
  const options = await getBoardOptions(db, ctx.workspace.id);
  const { filters, where } = resolveBoardQuery(query, options, ctx.workspace.id);
  const since = totalsSince(now);
  const [rows, totals] = await Promise.all([
    listBoardRows(db, { where, terminalStatuses: TERMINAL_STATUSES, limit: BOARD_LIMIT }),
    listBoardDailyTotals(db, { where, since }),
  ]);
  return {
    rows: rows.map(toBoardRow),
    totals: fillDays(totals, since),
    filters,
    options: {
      providers: options.providers.map(({ slug, name }) => ({ slug, name })),
      projects: options.projects.map(({ identifier, name }) => ({ identifier, name })),
      members: options.members,
    },
  };
}

/**
 * One session as a board row, e.g. to `upsert` into the browser's board when the session
 * changes. Unfiltered: the store decides whether it still belongs on the page.
 */
export async function getBoardRow(db: Db, ctx: WorkspaceContext, id: string): Promise<BoardRow> {
  requireRole(ctx, "guest");
  const [row] = z.string().uuid().safeParse(id).success
    ? await listBoardRows(db, {
        where: { workspaceId: ctx.workspace.id, statuses: null, providerId: null, requestedBy: null, projectId: null, sessionId: id },
        terminalStatuses: TERMINAL_STATUSES,
        limit: 1,
      })
    : [];
  if (!row) throw notFound("session", "This agent session");
  return toBoardRow(row);
}

/** `URLSearchParams` → the query the service takes (repeated params kept, so "given twice" is caught). */
export function boardQueryFromSearchParams(params: URLSearchParams): BoardQuery {
  const query: BoardQuery = {};
  for (const key of BOARD_PARAMS) {
    const values = params.getAll(key);
    if (values.length) query[key] = values;
  }
  return query;
}

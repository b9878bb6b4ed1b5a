import { z } from "zod";
import { DispatchError } from "@/lib/errors";
import { ISSUE_PRIORITIES, ISSUE_STATES } from "./schemas";
import type { IssuePriority, IssueState } from "@/db/schema";
import { describeProblem, stringProblem, stripUnstorable } from "@/lib/storable-text";

/**
 * The issue list's filters as they travel in the URL (so a view survives reload and can be shared):
 * `state`, `priority`, `assignee`, `label` may repeat or hold comma-separated values; `q` searches titles.
 * `assignee` is `me`, `none`, `user:<id>` or `agent:<provider>-<variant>`; `label` is a label's name.
 */
export type ListFilters = {
  /** `open` (the default: backlog, todo, in progress), `all`, or chosen states. */
  states: "open" | "all" | IssueState[];
  priorities: IssuePriority[];
  assignees: AssigneeFilter[];
  labels: string[];
  q: string;
};

export type AssigneeFilter = { kind: "me" } | { kind: "none" } | { kind: "user"; id: string } | { kind: "agent"; ref: string };

export const OPEN_STATES: IssueState[] = ["backlog", "todo", "in_progress"];
export const FILTER_KEYS = ["state", "priority", "assignee", "label", "q"] as const;

const uuid = z.string().uuid();
const MAX_Q = 200;

const values = (params: URLSearchParams, key: string) =>
  params
    .getAll(key)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);

function parseAssignee(v: string): AssigneeFilter | null {
  if (v === "me" || v === "none") return { kind: v };
  if (v.startsWith("user:") && uuid.safeParse(v.slice(5)).success) return { kind: "user", id: v.slice(5) };
  if (v.startsWith("agent:") && /^[a-z0-9]+(-[a-z0-9]+)?$/.test(v.slice(6))) return { kind: "agent", ref: v.slice(6) };
  return null;
}

export const formatAssignee = (a: AssigneeFilter) => (a.kind === "user" ? `user:${a.id}` : a.kind === "agent" ? `agent:${a.ref}` : a.kind);

/**
 * Strict (the API): a value that names nothing is a 400 naming its parameter. Lenient (a page): it
 * is left out, so a stale or hand-edited link still opens.
 */
export function parseListFilters(params: URLSearchParams, opts: { strict: boolean }): ListFilters {
  const bad = (field: string, message: string) => {
    if (opts.strict) throw new DispatchError("bad_request:issue_filter", message, { field });
  };
  const stateValues = values(params, "state");
  let states: ListFilters["states"] = "open";
  if (stateValues.includes("all")) states = "all";
  else if (stateValues.length && !(stateValues.length === 1 && stateValues[0] === "open")) {
    const known = stateValues.filter((s): s is IssueState => (ISSUE_STATES as readonly string[]).includes(s));
    if (known.length !== stateValues.length) bad("state", `state must be open, all, or some of ${ISSUE_STATES.join(", ")}.`);
    states = known.length ? known : "open";
  }
  const priorityValues = values(params, "priority");
  const priorities = priorityValues.filter((p): p is IssuePriority => (ISSUE_PRIORITIES as readonly string[]).includes(p));
  if (priorities.length !== priorityValues.length) bad("priority", `priority must be some of ${ISSUE_PRIORITIES.join(", ")}.`);
  const assigneeValues = values(params, "assignee");
  const assignees = assigneeValues.map(parseAssignee).filter((a): a is AssigneeFilter => a !== null);
  if (assignees.length !== assigneeValues.length) bad("assignee", "assignee must be me, none, user:<user id> or agent:<provider>-<variant>.");
  const labels = values(params, "label").filter((l) => l.length <= 40);
  let q = (params.get("q") ?? "").trim();
  if (q.length > MAX_Q) {
    bad("q", `q must be at most ${MAX_Q} characters.`);
    q = q.slice(0, MAX_Q);
  }
  // PostgreSQL cannot compare text holding a NUL (or an unpaired surrogate): a page searches without them.
  const problem = stringProblem(q);
  if (problem) {
    bad("q", `q ${describeProblem(problem)}.`);
    q = stripUnstorable(q).trim();
  }
  return { states, priorities, assignees, labels, q };
}

/** The query string for filters (empty parts left out), e.g. to link to a changed view. */
export function filtersToQuery(f: ListFilters): string {
  const p = new URLSearchParams();
  if (f.states !== "open") p.set("state", f.states === "all" ? "all" : f.states.join(","));
  if (f.priorities.length) p.set("priority", f.priorities.join(","));
  if (f.assignees.length) p.set("assignee", f.assignees.map(formatAssignee).join(","));
  if (f.labels.length) p.set("label", f.labels.join(","));
  if (f.q) p.set("q", f.q);
  const s = p.toString();
  return s ? `?${s}` : "";
}

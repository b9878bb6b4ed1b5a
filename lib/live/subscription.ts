import { z } from "zod";
import type { Db } from "@/db/client";
import { getComment } from "@/db/queries/comments";
import type { ActivityEntry } from "@/db/queries/issue-events";
import { getIssueFields, loadWatchedIssues } from "@/db/queries/issues";
import { loadWatchedSessions } from "@/db/queries/sessions";
import { toTimelineComment } from "@/lib/comments/timeline";
import { DispatchError } from "@/lib/errors";
import { eventCount } from "./cursor";
import { renderMarkdown } from "@/lib/markdown/render";
import { getSessionCard } from "@/lib/sessions/service";
import { isTerminal } from "@/lib/sessions/status";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { getAssignment } from "@/db/queries/issue-assignments";
import { toTimelineAssignment } from "@/lib/issues/timeline";

export const MAX_ISSUES = 20;
export const MAX_SESSION_CURSORS = 500;

/** `<uuid>` or `<uuid>@<seq>`: a topic and, optionally, the last entry the client already has (beyond the end reads as now). */
const cursor = (param: string) =>
  z.string().transform((v, c) => {
    const [id, seq, ...rest] = v.split("@");
    const n = seq === undefined ? null : eventCount(seq);
    if (rest.length || !z.string().uuid().safeParse(id).success || (seq !== undefined && n === null)) {
      c.addIssue({ code: "custom", message: `${param} must be an id, optionally followed by @ and the last sequence number you have (got "${v.slice(0, 80)}").` });
      return z.NEVER;
    }
    return { id: id!, seq: n };
  });

export type LiveRequest = { issues: { id: string; seq: number | null }[]; sessions: { id: string; seq: number | null }[]; agents: boolean };

/** Reads `?issue=<id>[@seq]&session=<id>@<seq>&agents=1` (each may repeat; commas also separate). Names the bad parameter. */
export function parseLiveRequest(url: URL): LiveRequest {
  const all = (name: string) => url.searchParams.getAll(name).flatMap((v) => v.split(",")).filter(Boolean);
  const issues = all("issue");
  const sessions = all("session");
  if (issues.length > MAX_ISSUES) throw new DispatchError("bad_request:live", `At most ${MAX_ISSUES} issues per connection.`, { field: "issue" });
  if (sessions.length > MAX_SESSION_CURSORS) throw new DispatchError("bad_request:live", `At most ${MAX_SESSION_CURSORS} session cursors per connection.`, { field: "session" });
  const parse = (name: string, values: string[]) =>
    values.map((v) => {
      const r = cursor(name).safeParse(v);
      if (!r.success) throw new DispatchError("bad_request:live", r.error.issues[0]!.message, { field: name });
      return r.data;
    });
  const agents = url.searchParams.get("agents");
  if (agents !== null && agents !== "1" && agents !== "0") throw new DispatchError("bad_request:live", "agents must be 1 or 0.", { field: "agents" });
  const req = { issues: parse("issue", issues), sessions: parse("session", sessions), agents: agents === "1" };
  if (req.issues.length === 0 && !req.agents) throw new DispatchError("bad_request:live", "Name at least one topic: issue=<id> or agents=1.", { field: "issue" });
  return req;
}

/**
 * What one connection follows, checked against the workspace: issues of another workspace are a
 * 404 (never a byte of them). Sessions of the watched issues that the client has no cursor for
 * replay from the start while active; finished ones it has from the page render.
 */
export async function planLiveTopics(db: Db, ctx: WorkspaceContext, req: LiveRequest) {
  const workspaceId = ctx.workspace.id;
  const issueIds = [...new Set(req.issues.map((i) => i.id))];
  const found = await loadWatchedIssues(db, { workspaceId, ids: issueIds });
  if (found.length !== issueIds.length) throw new DispatchError("not_found:issue", "This issue does not exist in this workspace.", { field: "issue" });
  const sessions = await loadWatchedSessions(db, { workspaceId, issueIds });
  const given = new Map(req.sessions.map((s) => [s.id, s.seq ?? 0]));
  const givenIssue = new Map(req.issues.map((i) => [i.id, i.seq]));
  return {
    issues: found.map((i) => ({ id: i.id, workspaceId, afterSeq: Math.min(givenIssue.get(i.id) ?? i.activitySeq, i.activitySeq) })),
    // A cursor beyond the log (a client's stale or made-up number) starts from now, not past every future event.
    sessions: sessions.map((s) => ({ id: s.id, issueId: s.issueId, afterSeq: Math.min(given.get(s.id) ?? (isTerminal(s.status) ? s.eventSeq : 0), s.eventSeq) })),
  };
}

/** The current state of what an activity entry names: the comment (null once deleted), the session card, the issue's fields. */
const loaded = new WeakMap<ActivityEntry, Promise<unknown>>();

/** Memoized per entry object: every connection of this process that receives a live entry shares one load. */
export function activityLoader(db: Db, ctx: WorkspaceContext) {
  const load = async (e: ActivityEntry): Promise<unknown> => {
    if (!e.refId && e.type !== "issue.updated") return null;
    switch (e.type) {
      case "comment.created":
      case "comment.updated": {
        const c = await getComment(db, { workspaceId: ctx.workspace.id, id: e.refId! });
        return c ? toTimelineComment(c) : null;
      }
      case "comment.deleted":
        return { id: e.refId };
      case "session.created":
        return getSessionCard(db, ctx, e.refId!).catch(() => null);
      case "issue.assigned": {
        const a = await getAssignment(db, { workspaceId: ctx.workspace.id, id: e.refId! });
        return a ? toTimelineAssignment(a) : null;
      }
      case "issue.updated": {
        const i = await getIssueFields(db, { workspaceId: ctx.workspace.id, id: e.issueId });
        return i ? { id: i.id, title: i.title, state: i.state, descriptionHtml: renderMarkdown(i.description), updatedAt: i.updatedAt.toISOString() } : null;
      }
    }
  };
  return (e: ActivityEntry) => {
    let p = loaded.get(e);
    if (!p) loaded.set(e, (p = load(e)));
    return p;
  };
}

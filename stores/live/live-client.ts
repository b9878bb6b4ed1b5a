import type { TimelineComment } from "@/lib/comments/timeline";
import type { TimelineAssignment } from "@/lib/issues/timeline";
import type { SequencedEvent } from "@/lib/sessions/events";
import type { TimelineSession } from "@/lib/sessions/timeline";
import type { SessionStatus } from "@/db/schema";
import type { BoardRow } from "@/lib/sessions/board-view";

/** The part of the browser's EventSource this uses, so tests can drive it. */
export type EventSourceLike = {
  readonly readyState: number;
  addEventListener(type: string, listener: (e: Event) => void): void;
  close(): void;
};

export type IssueActivity =
  | { type: "comment.created" | "comment.updated"; comment: TimelineComment | null }
  | { type: "comment.deleted"; id: string }
  | { type: "session.created"; session: TimelineSession | null }
  | { type: "issue.assigned"; assignment: TimelineAssignment | null }
  | { type: "issue.updated"; issue: { id: string; title: string; state: string; descriptionHtml: string; updatedAt: string } | null };

/** What a subscriber receives, each at most once and in order per topic. */
export type LiveMessage =
  | { kind: "session"; sessionId: string; issueId: string; event: SequencedEvent }
  | { kind: "activity"; issueId: string; seq: number; activity: IssueActivity }
  /** A session of the workspace changed status; `row` is how the Agents page shows it now. */
  | { kind: "agents"; sessionId: string; issueId: string; status: SessionStatus; seq: number; row: BoardRow | null }
  | { kind: "ready" };

/** What a page follows, with the last entry it already has of each topic (from its server render). */
export type LiveTopics = {
  issues: { id: string; seq: number }[];
  sessions: { id: string; issueId: string; seq: number }[];
  agents?: boolean;
};

/** What a store needs of the tab's live connection (in this tab, or shared with the other tabs). */
export interface LiveConnection {
  subscribe(topics: LiveTopics, onMessage: (m: LiveMessage) => void, onState?: (s: "open" | "reconnecting") => void): () => void;
}

type Subscriber = {
  topics: LiveTopics;
  issueSeq: Map<string, number>;
  sessionSeq: Map<string, number>;
  onMessage: (m: LiveMessage) => void;
  onState?: (s: "open" | "reconnecting") => void;
};

/**
 * One Server-Sent Events connection for every live topic of a tab: the union of what its
 * subscribers follow. A subscription change or a dropped connection reopens it with each topic's
 * cursor (the smallest any subscriber has), and each subscriber drops what it already has — so
 * nothing is lost and nothing is shown twice, whoever else shares the connection.
 */
export class LiveClient implements LiveConnection {
  private readonly subs = new Map<number, Subscriber>();
  private nextId = 1;
  private source: EventSourceLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private reopenQueued = false;
  private failures = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly createEventSource: (url: string) => EventSourceLike = (url) => new EventSource(url),
    private readonly schedule: (fn: () => void) => void = (fn) => queueMicrotask(fn),
    private readonly maxBackoffMs = 15_000,
  ) {}

  subscribe(topics: LiveTopics, onMessage: (m: LiveMessage) => void, onState?: (s: "open" | "reconnecting") => void): () => void {
    const id = this.nextId++;
    this.subs.set(id, {
      topics,
      issueSeq: new Map(topics.issues.map((i) => [i.id, i.seq])),
      sessionSeq: new Map(topics.sessions.map((s) => [s.id, s.seq])),
      onMessage,
      onState,
    });
    this.reopenSoon();
    return () => {
      this.subs.delete(id);
      this.reopenSoon();
    };
  }

  /** Several subscription changes in one tick reopen the connection once. */
  private reopenSoon() {
    if (this.reopenQueued) return;
    this.reopenQueued = true;
    this.schedule(() => {
      this.reopenQueued = false;
      this.open();
    });
  }

  url(): string | null {
    const issues = new Map<string, number>();
    const sessions = new Map<string, number>();
    let agents = false;
    for (const s of this.subs.values()) {
      agents ||= !!s.topics.agents;
      for (const [id, seq] of s.issueSeq) issues.set(id, Math.min(seq, issues.get(id) ?? Infinity));
    }
    for (const s of this.subs.values()) {
      for (const [id, seq] of s.sessionSeq) sessions.set(id, Math.min(seq, sessions.get(id) ?? Infinity));
    }
    if (issues.size === 0 && !agents) return null;
    const q = new URLSearchParams();
    for (const [id, seq] of issues) q.append("issue", `${id}@${seq}`);
    for (const [id, seq] of sessions) q.append("session", `${id}@${seq}`);
    if (agents) q.set("agents", "1");
    return `${this.baseUrl}?${q.toString()}`;
  }

  private open() {
    this.source?.close();
    this.source = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const url = this.url();
    if (!url) return;
    const source = this.createEventSource(url);
    this.source = source;
    source.addEventListener("open", () => {
      this.failures = 0;
      for (const s of this.subs.values()) s.onState?.("open");
    });
    source.addEventListener("session", (e) => this.receive(source, "session", e));
    source.addEventListener("activity", (e) => this.receive(source, "activity", e));
    source.addEventListener("agents", (e) => this.receive(source, "agents", e));
    source.addEventListener("ready", (e) => this.receive(source, "ready", e));
    source.addEventListener("error", () => this.connectionError(source));
  }

  private receive(source: EventSourceLike, kind: LiveMessage["kind"], e: Event) {
    if (source !== this.source) return;
    const data = (e as MessageEvent).data;
    if (typeof data !== "string") return;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const sub of this.subs.values()) {
      const m = this.forSubscriber(sub, kind, raw);
      if (m) sub.onMessage(m);
    }
  }

  /** The message if this subscriber follows its topic and does not have it yet (advancing its cursor). */
  private forSubscriber(sub: Subscriber, kind: LiveMessage["kind"], raw: Record<string, unknown>): LiveMessage | null {
    if (kind === "ready") return { kind };
    if (kind === "agents") return sub.topics.agents ? ({ kind, ...raw } as LiveMessage) : null;
    const issueId = raw.issueId as string;
    if (!sub.issueSeq.has(issueId)) return null;
    if (kind === "session") {
      const event = raw.event as SequencedEvent;
      const sessionId = raw.sessionId as string;
      if (event.seq <= (sub.sessionSeq.get(sessionId) ?? 0)) return null;
      sub.sessionSeq.set(sessionId, event.seq);
      return { kind, sessionId, issueId, event };
    }
    const seq = raw.seq as number;
    if (seq <= sub.issueSeq.get(issueId)!) return null;
    sub.issueSeq.set(issueId, seq);
    const type = raw.type as IssueActivity["type"];
    const d = raw.data;
    const activity: IssueActivity =
      type === "comment.deleted"
        ? { type, id: raw.refId as string }
        : type === "session.created"
          ? { type, session: d as TimelineSession | null }
          : type === "issue.assigned"
            ? { type, assignment: d as TimelineAssignment | null }
            : type === "issue.updated"
              ? { type, issue: d as Extract<IssueActivity, { type: "issue.updated" }>["issue"] }
              : { type, comment: d as TimelineComment | null };
    return { kind, issueId, seq, activity };
  }

  private connectionError(source: EventSourceLike) {
    if (source !== this.source) return;
    for (const s of this.subs.values()) s.onState?.("reconnecting");
    // The browser's own retry would resend the first URL's cursors; reopen with the current ones.
    source.close();
    this.source = null;
    const delay = Math.min(this.maxBackoffMs, 250 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  close() {
    this.subs.clear();
    this.source?.close();
    this.source = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}

export const liveUrl = (slug: string) => `/api/workspaces/${encodeURIComponent(slug)}/live`;

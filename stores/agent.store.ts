import { action, makeObservable, observable } from "mobx";
import type { ActionResult } from "@/lib/actions/result";
import { parseMentionsFromDoc } from "@/lib/agents/mention-parser";
import type { AgentPicker } from "@/lib/agents/picker";
import { isTerminal } from "@/lib/sessions/status";
import { compareCards, type TimelineSession } from "@/lib/sessions/timeline";
import { AgentSessionModel, type CardDeps } from "./agent-session.model";
import type { IssueActivity, LiveConnection, LiveMessage } from "./live/live-client";
import { liveConnectionFor } from "./live/shared-live";
import { ModeBarStore } from "./mode-bar.store";

/** The server calls the store needs; injected so the store has no framework imports. */
export type AgentService = {
  getSessionCard: (slug: string, id: string) => Promise<ActionResult<TimelineSession>>;
  cancelSession: (slug: string, id: string) => Promise<ActionResult<TimelineSession>>;
};

export type LiveDeps = {
  /** The tab's live connection for a workspace (tests pass their own). */
  client?: (slug: string) => LiveConnection;
  nextFrame?: CardDeps["nextFrame"];
};

export interface IAgentStore {
  readonly picker: AgentPicker;
  readonly modeBar: ModeBarStore;
  hydrate(args: HydrateArgs): void;
  addSessions(sessions: TimelineSession[]): void;
  sessionsForComment(commentId: string): AgentSessionModel[];
  cancel(id: string): Promise<ActionResult<TimelineSession>>;
  countAgents(doc: unknown): number;
  dispose(): void;
}

export type HydrateArgs = {
  slug: string;
  picker: AgentPicker;
  sessions: TimelineSession[];
  /** The issue whose live topics the page follows, and the last activity entry its render includes. */
  issue?: { id: string; activitySeq: number };
};

export const emptyPicker: AgentPicker = { providers: [], skills: [], members: [], providerSlugs: [] };

/**
 * Agents of one issue page: what can be picked, the mode bar, and every session card. The page's
 * one subscription on the tab's live connection feeds every card, new cards started by anyone,
 * and the issue's other activity (handed to `onActivity`). Components just read.
 */
export class AgentStore implements IAgentStore {
  picker: AgentPicker = emptyPicker;
  readonly modeBar = new ModeBarStore();
  sessions = new Map<string, AgentSessionModel>();
  connection: "idle" | "open" | "reconnecting" = "idle";
  /** Comments and issue changes from the live connection (the issue store takes them). */
  onActivity: (a: IssueActivity) => void = () => {};
  private slug = "";
  private issueId: string | null = null;
  private providerSlugs = new Set<string>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly service: AgentService,
    private readonly live: LiveDeps = {},
  ) {
    makeObservable<AgentStore, "put" | "setConnection">(this, {
      picker: observable.ref,
      sessions: observable.shallow,
      connection: observable,
      hydrate: action,
      put: action,
      dispose: action,
      setConnection: action,
    });
  }

  hydrate({ slug, picker, sessions, issue }: HydrateArgs) {
    this.slug = slug;
    this.picker = picker;
    this.providerSlugs = new Set(picker.providerSlugs);
    const keep = new Set(sessions.map((s) => s.id));
    for (const id of this.sessions.keys()) if (!keep.has(id)) this.sessions.delete(id);
    this.put(sessions);
    if (issue && issue.id !== this.issueId) this.follow(issue, sessions);
  }

  /** One subscription: the issue from its rendered activity on, running sessions from their start, finished ones from their end. */
  private follow(issue: { id: string; activitySeq: number }, sessions: TimelineSession[]) {
    this.unsubscribe?.();
    this.issueId = issue.id;
    const client = (this.live.client ?? liveConnectionFor)(this.slug);
    this.unsubscribe = client.subscribe(
      {
        issues: [{ id: issue.id, seq: issue.activitySeq }],
        sessions: sessions.map((s) => ({ id: s.id, issueId: issue.id, seq: isTerminal(s.status) ? (s.eventSeq ?? 0) : 0 })),
      },
      (m) => this.receive(m),
      (state) => this.setConnection(state),
    );
  }

  private receive(m: LiveMessage) {
    if (m.kind === "session") {
      const model = this.sessions.get(m.sessionId);
      if (model) return model.push(m.event);
      // A card we have not heard of yet (its creation is on its way): load it, then apply.
      void this.service.getSessionCard(this.slug, m.sessionId).then((r) => {
        if (!r.ok) return;
        this.put([r.data]);
        this.sessions.get(m.sessionId)?.push(m.event);
      });
    } else if (m.kind === "activity") {
      if (m.activity.type === "session.created") {
        if (m.activity.session) this.put([m.activity.session]);
      } else {
        this.onActivity(m.activity);
      }
    }
  }

  addSessions(sessions: TimelineSession[]) {
    this.put(sessions);
  }

  private put(sessions: TimelineSession[]) {
    for (const s of sessions) {
      const existing = this.sessions.get(s.id);
      if (existing) {
        // A newer row of a session we already follow: keep the transcript.
        existing.settle(s);
        continue;
      }
      this.sessions.set(
        s.id,
        new AgentSessionModel(s, {
          nextFrame: this.live.nextFrame,
          logUrl: (id, after) => `/api/workspaces/${encodeURIComponent(this.slug)}/agent/sessions/${encodeURIComponent(id)}/stream?last_event_id=${after}`,
          loadCard: async (id) => {
            const r = await this.service.getSessionCard(this.slug, id);
            return r.ok ? r.data : null;
          },
        }),
      );
    }
  }

  private setConnection(state: "open" | "reconnecting") {
    this.connection = state;
    for (const m of this.sessions.values()) m.setConnection(state);
  }

  /** Cards under their trigger comment in mention order, however they arrived (page, live activity, own post). */
  sessionsForComment(commentId: string): AgentSessionModel[] {
    return this.ordered((m) => m.session.triggerCommentId === commentId);
  }

  /** Sessions whose trigger comment is gone (deleted): shown at the end rather than lost. */
  get orphanSessions(): AgentSessionModel[] {
    return this.ordered((m) => !m.session.triggerCommentId);
  }

  private ordered(keep: (m: AgentSessionModel) => boolean): AgentSessionModel[] {
    return [...this.sessions.values()].filter(keep).sort((a, b) => compareCards(a.session, b.session));
  }

  async cancel(id: string) {
    const result = await this.service.cancelSession(this.slug, id);
    const model = this.sessions.get(id);
    if (result.ok && model) model.settle(result.data);
    return result;
  }

  /** The number of agents a comment starts: mode-bar choices plus agent mentions in the editor's document (read as the server reads it). */
  countAgents(doc: unknown): number {
    return this.modeBar.request.length + parseMentionsFromDoc(doc, { providers: this.providerSlugs }).length;
  }

  /** Leaves the page: ends the subscription and forgets the cards. */
  dispose() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.issueId = null;
    this.sessions.clear();
  }
}

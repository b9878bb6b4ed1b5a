import { action, makeObservable, observable } from "mobx";
import type { ActionResult } from "@/lib/actions/result";
import { parseMentionsFromText } from "@/lib/agents/mention-parser";
import type { AgentPicker } from "@/lib/agents/picker";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { AgentSessionModel, type StreamDeps } from "./agent-session.model";
import { ModeBarStore } from "./mode-bar.store";

/** The server calls the store needs; injected so the store has no framework imports. */
export type AgentService = {
  getSessionCard: (slug: string, id: string) => Promise<ActionResult<TimelineSession>>;
  cancelSession: (slug: string, id: string) => Promise<ActionResult<TimelineSession>>;
};

export interface IAgentStore {
  readonly picker: AgentPicker;
  readonly modeBar: ModeBarStore;
  hydrate(args: { slug: string; picker: AgentPicker; sessions: TimelineSession[] }): void;
  addSessions(sessions: TimelineSession[]): void;
  sessionsForComment(commentId: string): AgentSessionModel[];
  cancel(id: string): Promise<ActionResult<TimelineSession>>;
  countAgents(text: string): number;
  dispose(): void;
}

export const emptyPicker: AgentPicker = { providers: [], skills: [], members: [], providerSlugs: [] };

/**
 * Agents of one issue page: what can be picked, the mode bar, and every session card with its
 * stream. Only this store opens EventSources (one per active session); components just read.
 */
export class AgentStore implements IAgentStore {
  picker: AgentPicker = emptyPicker;
  readonly modeBar = new ModeBarStore();
  sessions = new Map<string, AgentSessionModel>();
  private slug = "";
  private providerSlugs = new Set<string>();

  constructor(
    private readonly service: AgentService,
    private readonly streams: Omit<StreamDeps, "loadCard" | "streamUrl"> = {},
  ) {
    makeObservable<AgentStore, "put">(this, { picker: observable.ref, sessions: observable.shallow, hydrate: action, put: action, dispose: action });
  }

  hydrate({ slug, picker, sessions }: { slug: string; picker: AgentPicker; sessions: TimelineSession[] }) {
    this.slug = slug;
    this.picker = picker;
    this.providerSlugs = new Set(picker.providerSlugs);
    const keep = new Set(sessions.map((s) => s.id));
    for (const [id, model] of this.sessions) {
      if (!keep.has(id)) {
        model.disconnect();
        this.sessions.delete(id);
      }
    }
    this.put(sessions);
  }

  addSessions(sessions: TimelineSession[]) {
    this.put(sessions);
  }

  private put(sessions: TimelineSession[]) {
    for (const s of sessions) {
      const existing = this.sessions.get(s.id);
      if (existing) {
        // A server render of a session we already stream: keep the transcript, take the newer row.
        if (existing.isActive && !s.finishedAt) existing.connect();
        else existing.settle(s);
        continue;
      }
      const model = new AgentSessionModel(s, {
        ...this.streams,
        streamUrl: (id, lastSeq) =>
          `/api/workspaces/${encodeURIComponent(this.slug)}/agent/sessions/${encodeURIComponent(id)}/stream${lastSeq > 0 ? `?last_event_id=${lastSeq}` : ""}`,
        loadCard: async (id) => {
          const r = await this.service.getSessionCard(this.slug, id);
          return r.ok ? r.data : null;
        },
      });
      this.sessions.set(s.id, model);
      if (model.isActive) model.connect();
    }
  }

  /** Cards under their trigger comment, oldest first. */
  sessionsForComment(commentId: string): AgentSessionModel[] {
    return [...this.sessions.values()].filter((m) => m.session.triggerCommentId === commentId);
  }

  /** Sessions whose trigger comment is gone (deleted): shown at the end rather than lost. */
  get orphanSessions(): AgentSessionModel[] {
    return [...this.sessions.values()].filter((m) => !m.session.triggerCommentId);
  }

  async cancel(id: string) {
    const result = await this.service.cancelSession(this.slug, id);
    const model = this.sessions.get(id);
    if (result.ok && model) {
      model.settle(result.data);
      model.disconnect();
    }
    return result;
  }

  /** The number of agents a comment starts: mode-bar choices plus agent mentions typed in the text. */
  countAgents(text: string): number {
    return this.modeBar.request.length + parseMentionsFromText(text, { providers: this.providerSlugs }).length;
  }

  /** Closes every stream and forgets the cards (leaving the issue page). */
  dispose() {
    for (const model of this.sessions.values()) model.disconnect();
    this.sessions.clear();
  }
}

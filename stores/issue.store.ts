import type { JSONContent } from "@tiptap/core";
import { action, computed, makeObservable, observable, runInAction } from "mobx";
import type { ActionResult } from "@/lib/actions/result";
import type { TimelineComment } from "@/lib/comments/timeline";
import type { TimelineSession } from "@/lib/sessions/timeline";
import type { IssueActivity } from "./live/live-client";

export type AgentRequest = { provider_slug: string | null; variant_slug: string | null; skill_trigger: string | null };

/** The server calls the store needs; injected so the store has no framework imports. */
export type IssueService = {
  addComment: (slug: string, key: string, body: JSONContent, agents?: AgentRequest[]) => Promise<ActionResult<{ comment: TimelineComment; sessions: TimelineSession[] }>>;
  editComment: (slug: string, id: string, body: JSONContent) => Promise<ActionResult<TimelineComment>>;
  deleteComment: (slug: string, id: string) => Promise<ActionResult<{ id: string }>>;
};

export interface IIssueStore {
  readonly comments: TimelineComment[];
  hydrate(args: { slug: string; key: string; comments: TimelineComment[] }): void;
  addComment(body: JSONContent, agents?: AgentRequest[]): Promise<ActionResult<{ comment: TimelineComment; sessions: TimelineSession[] }>>;
  editComment(id: string, body: JSONContent): Promise<ActionResult<TimelineComment>>;
  deleteComment(id: string): Promise<ActionResult<{ id: string }>>;
}

export class IssueStore implements IIssueStore {
  commentsById = new Map<string, TimelineComment>();
  private slug = "";
  private key = "";

  constructor(
    private readonly service: IssueService,
    /** Sessions a new comment started go to the agent store, which streams them. */
    private readonly onSessions: (sessions: TimelineSession[]) => void = () => {},
  ) {
    makeObservable(this, {
      commentsById: observable,
      comments: computed,
      hydrate: action,
      upsert: action,
      applyActivity: action,
    });
  }

  /** Time order, oldest first, as the timeline reads. */
  get comments(): TimelineComment[] {
    return [...this.commentsById.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  hydrate({ slug, key, comments }: { slug: string; key: string; comments: TimelineComment[] }) {
    this.slug = slug;
    this.key = key;
    this.commentsById.clear();
    for (const c of comments) this.commentsById.set(c.id, c);
  }

  upsert(c: TimelineComment) {
    this.commentsById.set(c.id, c);
  }

  /** Another tab's or member's change, from the live connection. */
  applyActivity(a: IssueActivity) {
    if (a.type === "comment.deleted") this.commentsById.delete(a.id);
    else if ((a.type === "comment.created" || a.type === "comment.updated") && a.comment) this.upsert(a.comment);
    // An assignment changes the properties panel and adds a timeline entry: the page re-reads both.
    else if (a.type === "issue.updated" || a.type === "issue.assigned") this.onIssueChanged();
  }

  /** Set by the page: re-reads the server-rendered issue fields (title, state, description). */
  onIssueChanged: () => void = () => {};

  async addComment(body: JSONContent, agents: AgentRequest[] = []) {
    const result = await this.service.addComment(this.slug, this.key, body, agents.length ? agents : undefined);
    if (result.ok) {
      this.upsert(result.data.comment);
      this.onSessions(result.data.sessions);
    }
    return result;
  }

  async editComment(id: string, body: JSONContent) {
    const result = await this.service.editComment(this.slug, id, body);
    if (result.ok) this.upsert(result.data);
    return result;
  }

  /** Optimistic: the comment disappears at once and comes back if the server refuses. */
  async deleteComment(id: string) {
    const previous = this.commentsById.get(id);
    runInAction(() => this.commentsById.delete(id));
    const result = await this.service.deleteComment(this.slug, id);
    if (!result.ok && previous) this.upsert(previous);
    return result;
  }
}

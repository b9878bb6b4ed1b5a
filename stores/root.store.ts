import { AgentStore, type AgentService } from "./agent.store";
import { AgentsBoardStore } from "./agents-board.store";
import { IssueStore, type IssueService } from "./issue.store";

export type Services = { issue: IssueService; agent: AgentService };

/** One per browser tab (made by the provider), never a module singleton: server renders must not share it. */
export class RootStore {
  readonly issue: IssueStore;
  readonly agent: AgentStore;
  /** The Agents page's table; the live stream feeds it through `upsert`. */
  readonly agentsBoard = new AgentsBoardStore();

  constructor(services: Services) {
    this.agent = new AgentStore(services.agent);
    this.issue = new IssueStore(services.issue, (sessions) => this.agent.addSessions(sessions));
    this.agent.onActivity = (a) => this.issue.applyActivity(a);
  }
}

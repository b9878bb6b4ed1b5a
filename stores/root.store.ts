import { IssueStore, type IssueService } from "./issue.store";

export type Services = { issue: IssueService };

/** One per browser tab (made by the provider), never a module singleton: server renders must not share it. */
export class RootStore {
  readonly issue: IssueStore;

  constructor(services: Services) {
    this.issue = new IssueStore(services.issue);
  }
}

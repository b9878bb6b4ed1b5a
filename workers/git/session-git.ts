import path from "node:path";
import type { Db } from "@/db/client";
import type { RunContext } from "@/db/queries/session-run-context";
import type { KeyRing } from "@/lib/crypto/token-box";
import { getFreshToken, ReconnectNeededError } from "@/lib/connections/fresh-token";
import { branchUrl, cloneUrl, githubConfig } from "@/lib/git/github-config";
import { agentBranchName, githubFullName } from "@/lib/git/repository-name";
import { commitChanges, prepareCheckout, pushBranch, type Checkout, type FileChange } from "./checkout";
import { GitStepError } from "./git-cli";
import { openPullRequest } from "./pull-request";

/** The run this one follows up, if any: its branch and pull request carry on. */
type Parent = Pick<NonNullable<RunContext["parent"]>, "branch" | "pullRequestUrl"> | null;

export type Delivery =
  | { kind: "no_changes" }
  | {
      kind: "pushed";
      branch: string;
      branchUrl: string;
      commitSha: string;
      files: FileChange[];
      patch: string;
      pullRequest: { url: string; number: number | null } | null;
      /** A pushed branch whose pull request could not be opened: said, with the branch's link. */
      error: string | null;
    };

/**
 * The session's side of the repository: the worker clones it (with the workspace's GitHub
 * token, which never enters the container), and afterwards commits, pushes and opens the pull
 * request. A follow-up continues its parent's branch and pull request.
 */
export class SessionGit {
  private constructor(
    private readonly checkout: Checkout,
    private readonly token: string,
    private readonly repository: string,
    private readonly parentPullRequest: string | null,
    private readonly continuing: boolean,
  ) {}

  /** null: the project names no repository. Throws GitStepError naming what is wrong. */
  static async prepare(args: {
    db: Db;
    keyRing: KeyRing;
    sessionDir: string;
    workDir: string;
    session: { id: string; workspaceId: string };
    project: { repository: string | null; defaultBranch: string };
    issueKey: string;
    parent: Parent;
  }): Promise<SessionGit | null> {
    const repository = githubFullName(args.project.repository, githubConfig().webUrl);
    if (!repository) return null;
    let creds: { token: string } | null;
    try {
      creds = await getFreshToken(args.db, args.keyRing, { workspaceId: args.session.workspaceId, kind: "github" });
    } catch (err) {
      if (err instanceof ReconnectNeededError) throw new GitStepError("access", err.message);
      throw err;
    }
    if (!creds) throw new GitStepError("access", `This project's repository ${repository} needs GitHub: ask a workspace admin to connect GitHub in Settings → Git.`);
    const parentBranch = args.parent?.branch ?? null;
    const checkout = await prepareCheckout({
      remoteUrl: cloneUrl(githubConfig(), repository),
      auth: { token: creds.token },
      defaultBranch: args.project.defaultBranch,
      branch: parentBranch ?? agentBranchName(args.issueKey, args.session.id),
      continueBranch: !!parentBranch,
      gitDir: path.join(args.sessionDir, "git"),
      workTree: args.workDir,
    });
    return new SessionGit(checkout, creds.token, repository, parentBranch ? (args.parent?.pullRequestUrl ?? null) : null, !!parentBranch);
  }

  /** A follow-up's branch and pull request, which are its own even when it adds nothing. */
  get inherited(): { branch: string; pullRequestUrl: string | null } | null {
    return this.continuing ? { branch: this.checkout.branch, pullRequestUrl: this.parentPullRequest } : null;
  }

  /** Commit, push, pull request. Throws GitStepError when nothing reached GitHub; a later failure is returned in `error`. */
  async deliver(args: {
    agentName: string;
    requester: { name: string; email: string } | null;
    issue: { key: string; title: string };
    summary: string;
    links: { issue: string; session: string };
    defaultBranch: string;
  }): Promise<Delivery> {
    const cfg = githubConfig();
    const message = [
      `${args.issue.key}: ${args.issue.title}`,
      "",
      `Changes made by ${args.agentName} for ${args.issue.key}.`,
      `Session: ${args.links.session}`,
      ...(args.requester ? ["", `Co-authored-by: ${args.requester.name} <${args.requester.email}>`] : []),
    ].join("\n");
    const commit = await commitChanges(this.checkout, {
      authorName: `Dispatch agent (${args.agentName})`,
      authorEmail: process.env.DISPATCH_GIT_AUTHOR_EMAIL?.trim() || "agent@dispatch.invalid",
      message,
    });
    if (!commit) return { kind: "no_changes" };
    await pushBranch(this.checkout, { token: this.token });
    const pushed = {
      kind: "pushed" as const,
      branch: this.checkout.branch,
      branchUrl: branchUrl(cfg, this.repository, this.checkout.branch),
      commitSha: commit.sha,
      files: commit.files,
      patch: commit.patch,
    };
    // A follow-up's commits land on the pull request its parent opened.
    if (this.parentPullRequest) return { ...pushed, pullRequest: { url: this.parentPullRequest, number: null }, error: null };
    try {
      const pr = await openPullRequest(this.token, {
        fullName: this.repository,
        title: `${args.issue.key}: ${args.issue.title}`,
        head: this.checkout.branch,
        base: args.defaultBranch,
        body: pullRequestBody({ ...args, files: commit.files }),
      });
      return { ...pushed, pullRequest: pr, error: null };
    } catch (err) {
      return { ...pushed, pullRequest: null, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

function pullRequestBody(args: { agentName: string; issue: { key: string; title: string }; summary: string; links: { issue: string; session: string }; files: FileChange[] }): string {
  return [
    args.summary.trim() || `${args.agentName} made these changes for ${args.issue.key}.`,
    "",
    "### Files changed",
    ...args.files.map((f) => `- \`${f.path}\` +${f.additions} −${f.deletions}`),
    "",
    `Issue: [${args.issue.key}](${args.links.issue}) · Session: [${args.agentName}](${args.links.session})`,
    "",
    "_Opened by Dispatch._",
  ].join("\n");
}

/** The lines appended to the agent's comment: where the work went, or that there was none. */
export function deliveryMarkdown(delivery: Delivery | null, mode: "autonomous" | "comment_only", hasRepository: boolean): string {
  if (!hasRepository) return "";
  if (!delivery || delivery.kind === "no_changes") return mode === "comment_only" ? "\n\n---\nNo changes (this skill only comments)." : "\n\n---\nNo changes.";
  const pr = delivery.pullRequest ? ` · **Pull request:** [${delivery.pullRequest.number ? `#${delivery.pullRequest.number}` : "open"}](${delivery.pullRequest.url})` : "";
  const files = delivery.files.map((f) => `- \`${f.path.replace(/`/g, "'")}\` +${f.additions} −${f.deletions}`);
  return [
    "",
    "",
    "---",
    `**Branch:** [${delivery.branch}](${delivery.branchUrl})${pr}`,
    ...(delivery.error ? ["", `⚠️ ${delivery.error}`] : []),
    "",
    `**Files changed (${delivery.files.length}):**`,
    ...files,
  ].join("\n");
}

import fs from "node:fs/promises";
import path from "node:path";
import { git, GitStepError, type GitAuth } from "./git-cli";

/**
 * A working copy whose repository lives outside the folder the agent gets: the container sees
 * plain files and never the `.git` folder (its config, hooks, remote), so nothing the agent
 * writes can change what the worker's git does.
 */
export type Checkout = { gitDir: string; workTree: string; branch: string; baseSha: string };

export type FileChange = { path: string; additions: number; deletions: number };

const PATCH_LIMIT = 1024 * 1024;

function inRepo(c: Pick<Checkout, "gitDir" | "workTree">, args: string[]): string[] {
  return [`--git-dir=${c.gitDir}`, `--work-tree=${c.workTree}`, ...args];
}

/** Clones the default branch (or, for a follow-up, the existing agent branch) and checks out `branch`. */
export async function prepareCheckout(args: {
  remoteUrl: string;
  auth: GitAuth;
  defaultBranch: string;
  branch: string;
  /** Continue this branch if the remote has it (a follow-up). */
  continueBranch: boolean;
  gitDir: string;
  workTree: string;
}): Promise<Checkout> {
  const c = { gitDir: args.gitDir, workTree: args.workTree };
  const fail = (err: unknown) => {
    throw new GitStepError("clone", `Cloning the repository failed: ${err instanceof Error ? err.message : String(err)}`);
  };
  await git(["clone", "--quiet", "--no-tags", "--depth", "1", "--single-branch", "--branch", args.defaultBranch, `--separate-git-dir=${args.gitDir}`, args.remoteUrl, args.workTree], { auth: args.auth }).catch(fail);
  // The pointer file would lead an agent's git to the worker's repository path; it has no business there.
  await fs.rm(path.join(args.workTree, ".git"), { force: true });

  let start = "HEAD";
  if (args.continueBranch) {
    const remote = await git(inRepo(c, ["ls-remote", "--heads", "origin", `refs/heads/${args.branch}`]), { auth: args.auth }).catch(fail);
    if (remote.trim()) {
      await git(inRepo(c, ["fetch", "--quiet", "--no-tags", "--depth", "1", "origin", `+refs/heads/${args.branch}:refs/remotes/origin/${args.branch}`]), { auth: args.auth }).catch(fail);
      start = `refs/remotes/origin/${args.branch}`;
    }
  }
  await git(inRepo(c, ["checkout", "--quiet", "-B", args.branch, start])).catch(fail);
  const baseSha = (await git(inRepo(c, ["rev-parse", "HEAD"]))).trim();
  return { ...c, branch: args.branch, baseSha };
}

/** Commits everything the agent left (if anything). null: the tree is as it was. */
export async function commitChanges(
  c: Checkout,
  args: { authorName: string; authorEmail: string; message: string },
): Promise<{ sha: string; files: FileChange[]; patch: string } | null> {
  try {
    await git(inRepo(c, ["add", "--all", "--", "."]));
    const status = await git(inRepo(c, ["status", "--porcelain", "--untracked-files=no"]));
    if (status.trim()) {
      await git(inRepo(c, ["-c", `user.name=${args.authorName}`, "-c", `user.email=${args.authorEmail}`, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-F", "-"]), { input: args.message });
    }
    const sha = (await git(inRepo(c, ["rev-parse", "HEAD"]))).trim();
    if (sha === c.baseSha) return null;
    const numstat = await git(inRepo(c, ["diff", "--no-ext-diff", "--no-textconv", "--numstat", "-z", c.baseSha, sha]));
    let patch = await git(inRepo(c, ["diff", "--no-ext-diff", "--no-textconv", "--no-color", c.baseSha, sha]));
    if (patch.length > PATCH_LIMIT) patch = `${patch.slice(0, PATCH_LIMIT)}\n… (diff truncated at 1 MB)\n`;
    return { sha, files: parseNumstat(numstat), patch };
  } catch (err) {
    if (err instanceof GitStepError) throw err;
    throw new GitStepError("commit", `Committing the changes failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Pushes the branch; never forces, so a follow-up only ever adds commits. */
export async function pushBranch(c: Checkout, auth: GitAuth): Promise<void> {
  await git(inRepo(c, ["push", "--quiet", "--no-verify", "origin", `HEAD:refs/heads/${c.branch}`]), { auth }).catch((err: unknown) => {
    throw new GitStepError("push", `Pushing ${c.branch} failed: ${err instanceof Error ? err.message : String(err)}`);
  });
}

/** `git diff --numstat -z`: "added\tdeleted\tpath\0", renames as "a\td\t\0old\0new\0"; binary files count as 0/0. */
export function parseNumstat(out: string): FileChange[] {
  const parts = out.split("\0");
  const files: FileChange[] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(parts[i]!);
    if (!m) continue;
    let file = m[3]!;
    if (file === "") {
      // A rename: the next two entries are the old and the new path.
      file = parts[i + 2] ?? parts[i + 1] ?? "";
      i += 2;
    }
    files.push({ path: file, additions: m[1] === "-" ? 0 : Number(m[1]), deletions: m[2] === "-" ? 0 : Number(m[2]) });
  }
  return files;
}

import fs from "node:fs/promises";
import path from "node:path";
import { loadRunContext, type RunContext } from "@/db/queries/session-run-context";
import { listResolvedRequests } from "@/db/queries/session-requests";
import { DEFAULT_ANSWER_WAIT_MINUTES } from "@/lib/sessions/requests";
import { commentText } from "@/lib/comments/body";
import { issueKey } from "@/lib/issues/schemas";
import { SessionFailure } from "@/lib/sessions/failure";
import { cliAdapters } from "../cli";
import { gitFailureCode, GitStepError } from "../git/git-cli";
import { SessionGit } from "../git/session-git";
import { chownTree } from "./cli-state";
import { AGENT, type Run } from "./context";
import { restoreConversation } from "./conversation";
import { providerCredential } from "./credential";
import { buildPrompt } from "./prompt";
import { resumePrompt } from "./request-outcome";

/**
 * Step 1: read the session once, check the worker can run it (adapter, image, credential), clone
 * the repository, restore the parent's conversation, and write the prompt file.
 */
export async function prepare(run: Run): Promise<void> {
  const { db, sandbox, keyRing } = run.deps;
  const ctx = await loadRunContext(db, run.sessionId);
  if (!ctx) {
    // The session is gone (deleted with its issue): nothing to end.
    run.ended = true;
    return;
  }
  const adapter = cliAdapters[ctx.provider.cli];
  if (!adapter) throw new SessionFailure("worker_error", `No CLI adapter named "${ctx.provider.cli}" is installed in this worker.`);
  if (!(await sandbox.imageExists(ctx.provider.image))) {
    throw new SessionFailure("image_missing", `The agent image ${ctx.provider.image} is missing on the worker. An operator can build it with: npm run images`);
  }
  const token = await providerCredential(db, keyRing, ctx);
  if (typeof token === "object" && token) throw new SessionFailure("provider_needs_reconnect", token.reconnect);
  if (!token) throw new SessionFailure("provider_not_connected", `${ctx.provider.name} is not connected to this workspace. Ask an admin to connect it.`);
  run.secrets = [token];

  const { root, work, run: runDir, home } = run.dirs;
  await fs.mkdir(root, { recursive: true });
  await fs.mkdir(runDir, { recursive: true });
  await fs.mkdir(home, { recursive: true });

  const key = issueKey(ctx.project.identifier, ctx.issue.number);
  let repo: SessionGit | null;
  try {
    repo = await SessionGit.prepare({ db, keyRing, sessionDir: root, workDir: work, session: ctx.session, project: ctx.project, issueKey: key, parent: ctx.parent });
  } catch (err) {
    if (err instanceof GitStepError) throw new SessionFailure(gitFailureCode(err), err.message);
    throw err;
  }
  await fs.mkdir(work, { recursive: true });
  await chownTree(work, AGENT);
  // A session parked while it waited on a member goes on from its own conversation, told what was answered;
  // a follow-up picks the CLI's conversation up where its parent left it.
  // Without its kept conversation (the CLI had written none yet), it starts over with the task and what was answered.
  const asked = await listResolvedRequests(db, run.sessionId);
  const own = asked.length && ctx.session.cliSessionId ? await restoreConversation(run, ctx.session, ctx.session.providerId) : null;
  const resume = own ?? (await restoreConversation(run, ctx.parent, ctx.session.providerId));
  await chownTree(home, AGENT);
  const answered = asked.length ? resumePrompt(asked, ctx.skill?.answerWaitMinutes ?? DEFAULT_ANSWER_WAIT_MINUTES, !!own) : "";
  const text = own ? answered : [prompt(ctx, key), answered].filter(Boolean).join("\n\n");
  await fs.writeFile(path.join(runDir, "prompt.txt"), text, { mode: 0o644 });
  run.prepared = { ctx, issueKey: key, adapter, token, repo, resume };
}

function prompt(ctx: RunContext, key: string): string {
  return buildPrompt({
    issueKey: key,
    title: ctx.issue.title,
    description: ctx.issue.description,
    comments: ctx.recentComments
      .filter((c) => c.id !== ctx.session.triggerCommentId)
      .map((c) => ({ author: c.authorName ?? (c.authorSessionId ? "Agent" : "Someone"), text: commentText(c.bodyJson), role: c.authorRole })),
    skill: ctx.skill ? { name: ctx.skill.name, instructions: ctx.skill.instructions, includeGuestComments: ctx.skill.includeGuestComments } : null,
    request: ctx.session.prompt,
    mode: ctx.session.mode,
  });
}

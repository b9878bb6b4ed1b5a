import { setDeliveryFields } from "@/db/queries/sessions";
import { docFromText } from "@/lib/comments/body";
import { renderMarkdown } from "@/lib/markdown/render";
import { redactSecrets } from "@/lib/secrets/redact";
import type { FailureCode } from "@/lib/sessions/failure";
import { gitFailureCode, GitStepError } from "../git/git-cli";
import { deliveryMarkdown, type Delivery } from "../git/session-git";
import { prepared, write, type Run } from "./context";
import { finish } from "./finish";

/** Where links in commits, pull requests and comments point: the app as members reach it. */
const appUrl = () => (process.env.DISPATCH_APP_URL?.trim() || process.env.NEXTAUTH_URL?.trim() || "http://localhost:3000").replace(/\/+$/, "");

/**
 * Step 3, after a good answer: commit, push and open the pull request (autonomous runs with a
 * repository), then end the session with the answer as its comment, where the work went below it.
 */
export async function deliver(run: Run): Promise<void> {
  const { ctx, repo } = prepared(run);
  if (!run.answer) throw new Error("the run step left no answer");
  const { text: answer, usage } = run.answer;
  const outcome = await pushWork(run, answer);
  const footer = deliveryMarkdown(outcome.delivery, ctx.session.mode, !!repo);
  const failure = outcome.error && !(outcome.delivery?.kind === "pushed" && outcome.delivery.error) ? `\n\n---\n⚠️ ${outcome.error.message}` : "";
  const comment = `${answer}${footer}${failure}`.trim();
  await finish(
    run,
    outcome.error ? "failed" : "completed",
    outcome.error?.message ?? null,
    { ...usage, answer, errorCode: outcome.error?.code ?? null },
    comment ? { bodyJson: docFromText(comment), bodyHtml: renderMarkdown(comment) } : undefined,
  );
}

/**
 * Autonomous runs with a repository: commit, push, open the pull request, and record where it
 * went. A step that fails is named in `error`; a branch that was pushed is kept and linked.
 */
async function pushWork(run: Run, answer: string): Promise<{ delivery: Delivery | null; error: { code: FailureCode; message: string } | null }> {
  const { ctx, repo, issueKey: key } = prepared(run);
  if (!repo || ctx.session.mode !== "autonomous") return { delivery: null, error: null };
  const { db } = run.deps;
  const issueUrl = `${appUrl()}/${encodeURIComponent(ctx.workspaceSlug)}/issue/${key}`;
  try {
    const delivery = await repo.deliver({
      agentName: ctx.variant.name,
      requester: ctx.requester,
      issue: { key, title: ctx.issue.title },
      summary: answer,
      links: { issue: issueUrl, session: `${issueUrl}#session-${run.sessionId}` },
      defaultBranch: ctx.project.defaultBranch,
    });
    if (delivery.kind === "pushed") {
      await write(run, () =>
        setDeliveryFields(db, run.sessionId, {
          branch: delivery.branch,
          commitSha: delivery.commitSha,
          pullRequestUrl: delivery.pullRequest?.url ?? null,
          filesChanged: delivery.files,
          diffPatch: redactSecrets(delivery.patch, run.secrets),
        }),
      );
      if (delivery.error) return { delivery, error: { code: "pull_request_failed", message: `${delivery.error} The branch ${delivery.branch} was pushed: ${delivery.branchUrl}` } };
    } else if (repo.inherited) {
      // Nothing new, but the branch and pull request carry on for the next follow-up.
      const inherited = repo.inherited;
      await write(run, () => setDeliveryFields(db, run.sessionId, inherited));
    }
    return { delivery, error: null };
  } catch (err) {
    if (!(err instanceof GitStepError)) throw err;
    const inherited = repo.inherited;
    if (inherited) await write(run, () => setDeliveryFields(db, run.sessionId, inherited));
    return { delivery: null, error: { code: gitFailureCode(err), message: redactSecrets(err.message, run.secrets) } };
  }
}

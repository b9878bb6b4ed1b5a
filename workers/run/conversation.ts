import { loadCliState, saveCliState } from "@/db/queries/session-cli-states";
import { describeError } from "@/lib/log/describe-error";
import { redactSecrets } from "@/lib/secrets/redact";
import { collectCliState, restoreCliState } from "./cli-state";
import { AGENT, write, type Run } from "./context";

/** The parent's CLI session id when its conversation could be restored under this HOME; null starts afresh. */
export async function restoreConversation(run: Run, parent: { id: string; cliSessionId: string | null; providerId: string } | null, providerId: string): Promise<string | null> {
  if (!parent?.cliSessionId || parent.providerId !== providerId) return null;
  const stored = await loadCliState(run.deps.db, parent.id);
  if (!stored) return null;
  return (await restoreCliState(run.dirs.home, stored, AGENT)) > 0 ? parent.cliSessionId : null;
}

/** Keeps the CLI's conversation files (redacted) for a follow-up; a failure here never fails the run. True when kept. */
export async function keepConversation(run: Run, dirs: string[]): Promise<boolean> {
  try {
    const state = await collectCliState(run.dirs.home, dirs, (s) => redactSecrets(s, run.secrets));
    if (state) await write(run, () => saveCliState(run.deps.db, run.sessionId, state));
    return !!state;
  } catch (err) {
    console.warn(`[worker] session ${run.sessionId}: keeping the CLI's conversation failed: ${describeError(err)}`);
    return false;
  }
}

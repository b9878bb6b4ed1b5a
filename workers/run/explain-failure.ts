import { redactSecrets } from "@/lib/secrets/redact";
import { modelApiFailure, type FailureCode } from "@/lib/sessions/failure";
import type { Run } from "./context";

/** Why a run without a result failed: out of memory, what the model API refused, or the CLI's own last words. */
export function explainFailure(
  run: Run,
  args: { providerName: string; exit: { exitCode: number; oomKilled: boolean }; reported: string | null; stderrTail: string[] },
): { code: FailureCode; message: string } {
  const { exit, reported, stderrTail } = args;
  if (exit.oomKilled) return { code: "out_of_memory", message: `The agent ran out of memory (limit ${run.deps.limits.memoryMb} MB). An operator can raise AGENT_MEMORY_MB.` };
  const upstream = run.proxy?.upstreamFailure();
  const api = upstream ? modelApiFailure(args.providerName, upstream) : null;
  if (api) return { code: api.code, message: reported ? `${api.message} (${reported})` : api.message };
  if (reported) return { code: "cli_exited", message: reported };
  const tail = stderrTail.length ? ` Its last output:\n\n${stderrTail.map((l) => `    ${redactSecrets(l, run.secrets)}`).join("\n")}` : "";
  return { code: "cli_exited", message: `The agent's CLI exited with code ${exit.exitCode} without an answer.${tail}` };
}

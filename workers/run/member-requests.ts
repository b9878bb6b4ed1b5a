import { randomUUID } from "node:crypto";
import { getRequest } from "@/db/queries/session-requests";
import type { AgentSessionRequest, ApprovalPolicy } from "@/db/schema";
import { approvalRule, describeAction } from "@/lib/agents/approvals";
import { redactSecrets } from "@/lib/secrets/redact";
import { DEFAULT_ANSWER_WAIT_MINUTES, openRequest, settleRequest } from "@/lib/sessions/requests";
import { write, type Run } from "./context";
import type { McpTools, ToolResult } from "./mcp-server";
import { outcomeForAgent } from "./request-outcome";

/** The part of the stop watch a wait needs: the run's own timeout does not run while a member is asked. */
export type WaitClock = { pause(): void; resume(): void; reason(): string | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The dispatch MCP tools of one run: a question or an approval opens a request, the session waits
 * (its timeout paused) until a member answers, the wait runs out, or the session ends; the tool's
 * result tells the agent which.
 */
export function memberRequestTools(
  run: Run,
  opts: { policy: ApprovalPolicy | null; waitMinutes: number | null; clock: () => WaitClock | null; onWait?: () => Promise<void>; pollMs?: number },
): McpTools {
  const waitMinutes = opts.waitMinutes ?? DEFAULT_ANSWER_WAIT_MINUTES;
  const waitMs = run.deps.answerWaitMsOverride ?? waitMinutes * 60_000;
  const redact = (s: string) => redactSecrets(s, run.secrets);

  /** The request as it ended, with who answered; null when the run stopped first. */
  type Ended = { request: AgentSessionRequest; answeredByName: string | null };

  async function ask(callId: string, payload: Parameters<typeof openRequest>[1]["payload"]): Promise<Ended | null> {
    // Kept before the session says it waits: a worker stopped from then on can park it.
    await opts.onWait?.().catch(() => undefined);
    const request = await write(run, () => openRequest(run.deps.db, { sessionId: run.sessionId, callId, payload, waitMs }, { bus: run.deps.events }));
    if (!request) return null;
    const clock = opts.clock();
    clock?.pause();
    try {
      return await waitForEnd(request, clock);
    } finally {
      clock?.resume();
    }
  }

  async function waitForEnd(request: AgentSessionRequest, clock: WaitClock | null): Promise<Ended | null> {
    for (;;) {
      const now = await getRequest(run.deps.db, { sessionId: run.sessionId, id: request.id }).catch(() => undefined);
      if (now && now.request.status !== "open") return now;
      if (clock?.reason()) return null;
      if (Date.now() >= request.expiresAt.getTime()) {
        await write(run, () => settleRequest(run.deps.db, { sessionId: run.sessionId, requestId: request.id, status: "expired", answer: null, answeredBy: null, byName: null }, { bus: run.deps.events }));
        continue;
      }
      await sleep(opts.pollMs ?? 400);
    }
  }

  const outcome = (e: Ended) => outcomeForAgent(e.request, e.answeredByName, waitMinutes);

  return {
    async askUser(args, callId): Promise<ToolResult> {
      const payload = { kind: "question" as const, question: redact(args.question), options: args.options.map(redact), multiple: args.multiple };
      const ended = await ask(callId, payload);
      if (!ended) return { text: "The session is ending; no answer will come.", isError: true };
      return { text: outcome(ended).text, isError: ended.request.status === "closed" };
    },

    async approveAction(args): Promise<ToolResult> {
      const allow = { text: JSON.stringify({ behavior: "allow", updatedInput: args.input }) };
      const deny = (message: string) => ({ text: JSON.stringify({ behavior: "deny", message }) });
      const action = { tool: args.toolName, input: args.input, workDir: "/work" };
      const rule = approvalRule(opts.policy, action);
      if (!rule) return allow;
      const payload = { kind: "approval" as const, tool: args.toolName, action: redact(describeAction(action)), rule };
      const ended = await ask(args.toolUseId ?? randomUUID(), payload);
      if (!ended) return deny("The session is ending; this action was not run.");
      const told = outcome(ended);
      return told.allowed ? allow : deny(told.text);
    },
  };
}

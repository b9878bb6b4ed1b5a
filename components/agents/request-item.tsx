"use client";

import { observer } from "mobx-react-lite";
import { useParams } from "next/navigation";
import { useState } from "react";
import { answerSessionRequestAction, type RequestAnswerInput } from "@/app/actions/session-requests";
import type { TranscriptItem } from "@/lib/sessions/transcript";
import { useServerAction } from "@/components/ui/use-server-action";
import { ApprovalCard } from "./approval-card";
import { QuestionCard } from "./question-card";
import { ResolvedRequest } from "./resolved-request";

/** Who may answer from this card: members of a session that still runs; anyone else sees the card read-only. */
export type RequestAnswering = { sessionId: string; canAnswer: boolean };

type Props = { item: Extract<TranscriptItem, { kind: "request" }>; answering: RequestAnswering | null };

/**
 * A question or approval in its place in the run: an open card while it waits, one line once it
 * ended. Answering sends it; the card then waits for the live stream's `request_resolved`.
 */
export const RequestItem = observer(function RequestItem({ item, answering }: Props) {
  const slug = useParams<{ slug: string }>()?.slug ?? "";
  const [sent, setSent] = useState(false);
  const { run, pending, error } = useServerAction((input: RequestAnswerInput) => answerSessionRequestAction(slug, answering?.sessionId ?? "", item.request.id, input));
  const failure = error && (
    <p role="alert" className="text-sm text-red-600">
      {error.message}
    </p>
  );
  // Someone else's answer can arrive (and resolve the card) while ours is on its way: its 409 still says why ours did not count.
  if (item.resolution)
    return (
      <div className="space-y-1">
        <ResolvedRequest request={item.request} resolution={item.resolution} />
        {failure}
      </div>
    );

  const canAnswer = !!answering?.canAnswer;
  async function answer(input: RequestAnswerInput) {
    const result = await run(input);
    // Sent: the buttons stay off until the stream says it is resolved (no second answer from this tab).
    if (result.ok) setSent(true);
  }
  const busy = pending || sent;
  const card =
    item.request.kind === "question" ? (
      <QuestionCard request={item.request} canAnswer={canAnswer} busy={busy} onAnswer={answer} />
    ) : (
      <ApprovalCard request={item.request} canAnswer={canAnswer} busy={busy} onAnswer={answer} />
    );
  return (
    <div className="space-y-1">
      {card}
      {failure}
    </div>
  );
});

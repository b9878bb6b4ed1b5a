"use client";

import { useId, useState } from "react";
import type { SessionRequestView } from "@/lib/sessions/events";
import type { RequestAnswerInput } from "@/app/actions/session-requests";

type Question = Extract<SessionRequestView, { kind: "question" }>;
type Props = { request: Question; canAnswer: boolean; busy: boolean; onAnswer: (input: RequestAnswerInput) => void };

/**
 * What the agent asks, with its options: one click answers a single-choice question; several are
 * ticked, then sent, for a multiple-choice one; "Other…" sends free text. The question and options
 * come from the agent and are shown as text only. Without `canAnswer` (a guest) it is read-only.
 */
export function QuestionCard({ request, canAnswer, busy, onAnswer }: Props) {
  const [picked, setPicked] = useState<string[]>([]);
  const [other, setOther] = useState("");
  const titleId = useId();
  const text = other.trim();
  const toggle = (option: string) => setPicked((p) => (p.includes(option) ? p.filter((o) => o !== option) : [...p, option]));
  const canSend = !busy && (request.multiple ? picked.length > 0 || text !== "" : text !== "");

  function send(e: React.FormEvent) {
    e.preventDefault();
    if (!canSend) return;
    onAnswer(request.multiple ? { choices: picked, ...(text ? { text } : {}) } : { text });
  }

  return (
    <section aria-labelledby={titleId} data-testid="question-card" className="rounded-md border border-amber-200 bg-amber-50/60 px-3 py-2.5 text-sm">
      <p className="text-xs font-medium uppercase tracking-wide text-amber-700">{request.multiple ? "Question · pick any" : "Question"}</p>
      <h3 id={titleId} className="mt-0.5 whitespace-pre-wrap break-words font-medium text-slate-900">
        {request.question}
      </h3>
      {!canAnswer ? (
        <>
          {request.options.length > 0 && (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Options">
              {request.options.map((o) => (
                <li key={o} className="rounded-full bg-white px-2.5 py-0.5 text-xs text-slate-600 ring-1 ring-inset ring-slate-200">
                  {o}
                </li>
              ))}
            </ul>
          )}
          <p className="mt-2 text-xs text-slate-500">Waiting for a member to answer.</p>
        </>
      ) : (
        <form className="mt-2 space-y-2" onSubmit={send} aria-busy={busy}>
          {request.options.length > 0 &&
            (request.multiple ? (
              <fieldset className="flex flex-wrap gap-1.5">
                <legend className="sr-only">Options</legend>
                {request.options.map((o) => (
                  <label key={o} className={`flex cursor-pointer items-center gap-1.5 rounded-md border px-2 py-1 ${picked.includes(o) ? "border-indigo-300 bg-indigo-50 text-indigo-800" : "border-slate-200 bg-white text-slate-700 hover:bg-slate-50"}`}>
                    <input type="checkbox" className="accent-indigo-600" checked={picked.includes(o)} onChange={() => toggle(o)} disabled={busy} />
                    {o}
                  </label>
                ))}
              </fieldset>
            ) : (
              <div className="flex flex-wrap gap-1.5" role="group" aria-label="Options">
                {request.options.map((o) => (
                  <button key={o} type="button" className="btn-secondary px-2.5 py-1" disabled={busy} onClick={() => onAnswer({ choices: [o] })}>
                    {o}
                  </button>
                ))}
              </div>
            ))}
          <div className="flex items-center gap-2">
            <input
              className="input min-w-0 flex-1 py-1"
              placeholder={request.options.length > 0 ? "Other…" : "Your answer…"}
              aria-label={request.options.length > 0 ? "Other answer" : "Your answer"}
              value={other}
              maxLength={4000}
              onChange={(e) => setOther(e.target.value)}
              disabled={busy}
            />
            <button type="submit" className="btn-primary px-3 py-1" disabled={!canSend}>
              {busy ? "Sending…" : "Send"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

"use client";

import { useId, useLayoutEffect, useRef, useState } from "react";

/** How many lines of an agent's answer a card shows before "Show all": three long answers must not make a page of thousands of pixels. */
export const ANSWER_LINES = 25;

/**
 * A finished agent's answer (sanitized HTML from the server), clamped to about ANSWER_LINES lines
 * with a fade. The button appears only when the content overflows: measured after render and on
 * every resize of the clamped box (a narrower window wraps more lines).
 */
export function CollapsibleAnswer({ html }: { html: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const [expanded, setExpanded] = useState(false);
  const [overflows, setOverflows] = useState(false);

  useLayoutEffect(() => {
    const el = ref.current;
    // Expanded, the box is as tall as its content: keep the last collapsed measurement.
    if (!el || expanded) return;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [html, expanded]);

  const clamped = !expanded;
  return (
    <div>
      <div className="relative">
        <div
          ref={ref}
          id={id}
          className={`prose-comment ${clamped ? "overflow-hidden" : ""}`}
          // `lh` is the box's own line height, so the clamp follows the answer's text size.
          style={clamped ? { maxHeight: `${ANSWER_LINES}lh` } : undefined}
          data-testid="agent-answer"
          data-collapsed={clamped && overflows ? "true" : "false"}
          dangerouslySetInnerHTML={{ __html: html }}
        />
        {clamped && overflows && <div aria-hidden className="pointer-events-none absolute inset-x-0 bottom-0 h-16 bg-gradient-to-t from-white to-transparent" />}
      </div>
      {overflows && (
        <button type="button" className="mt-1 text-xs font-medium text-indigo-600 hover:underline" aria-expanded={expanded} aria-controls={id} onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show less" : "Show all"}
        </button>
      )}
    </div>
  );
}

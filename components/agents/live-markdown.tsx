"use client";

import { memo, useDeferredValue, useMemo } from "react";
import { renderMarkdown } from "@/lib/markdown/render";
import { splitMarkdownBlocks } from "@/lib/sessions/transcript";

/** Agent output is untrusted: every block goes through the same sanitizer as comments. */
const Block = memo(function Block({ markdown }: { markdown: string }) {
  const html = useMemo(() => renderMarkdown(markdown), [markdown]);
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
});

/**
 * Streaming Markdown: finished blocks keep their rendering, only the growing last block
 * re-renders. Parsing runs as a deferred (interruptible) render, so a burst of text never
 * blocks input or animation frames; the card catches up when the main thread is free.
 */
export function LiveMarkdown({ text }: { text: string }) {
  const deferred = useDeferredValue(text);
  const blocks = splitMarkdownBlocks(deferred);
  return (
    <div className="prose-comment">
      {blocks.map((b, i) => (
        <Block key={i} markdown={b} />
      ))}
    </div>
  );
}

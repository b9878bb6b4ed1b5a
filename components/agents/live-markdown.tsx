"use client";

import { memo, useEffect, useState, type ReactNode } from "react";
import type { IncrementalMarkdown, MarkdownSequence } from "@/lib/markdown/incremental";

/** Closed blocks per group: a full group never changes again. */
const CHUNK = 24;

/** One block's HTML, from the sanitizing renderer; set once, never re-parsed. */
const Block = memo(function Block({ html }: { html: string }) {
  return <div data-md-block="" dangerouslySetInnerHTML={{ __html: html }} />;
});

/** Long texts (this many full groups) let the browser skip the layout and paint of old groups off screen. */
const SKIP_AFTER = 4;

/**
 * A group of closed blocks. In a long text, a full group that is not among the last two is final
 * and skippable: off screen the browser skips its layout and paint (content-visibility), which
 * keeps long transcripts cheap while the text stays in the page (find in page, screen readers,
 * copy; innerText leaves it out while it is off screen). Short texts are left alone.
 */
const Chunk = memo(function Chunk({ blocks, start, count, skippable }: { blocks: readonly string[]; start: number; count: number; skippable: boolean }) {
  const items: ReactNode[] = [];
  for (let i = start; i < start + count; i++) items.push(<Block key={i} html={blocks[i]!} />);
  return (
    <div data-md-chunk="" className={skippable ? "[contain-intrinsic-size:auto_30rem] [content-visibility:auto]" : undefined}>
      {items}
    </div>
  );
});

/**
 * Streaming Markdown, from a card's `MarkdownSequence` (see TranscriptView): the text is cut into
 * blocks as it grows (only the new part is scanned) and the page's Markdown scheduler renders the
 * blocks – sanitized, as every agent output – one at a time, in short tasks shared between cards,
 * each only once; the growing last block is re-rendered when nothing before it waits. This shows
 * the snapshot the sequence published at the last animation frame (a few new blocks per frame, so
 * no frame has a flood to lay out): always the beginning of the text, every piece once and in
 * order. Under a flood it lags a little and catches up.
 */
export function LiveMarkdown({ md, sequence }: { md: IncrementalMarkdown; sequence: MarkdownSequence }) {
  const [, setVersion] = useState(md.version);
  useEffect(() => {
    const update = () => setVersion(md.version);
    update(); // progress made between this render and now
    return sequence.subscribe(update);
  }, [md, sequence]);

  const { blocks, count, tail } = md.view();
  const chunks: ReactNode[] = [];
  const full = Math.floor(count / CHUNK);
  for (let start = 0; start < count; start += CHUNK) {
    const skippable = full >= SKIP_AFTER && start / CHUNK < full - 2;
    chunks.push(<Chunk key={start} blocks={blocks} start={start} count={Math.min(CHUNK, count - start)} skippable={skippable} />);
  }
  return (
    <div className="prose-comment">
      {chunks}
      {tail !== null && <Block key="tail" html={tail} />}
    </div>
  );
}

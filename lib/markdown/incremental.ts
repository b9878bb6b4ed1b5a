import { MarkdownBlockSplitter } from "./blocks";
import { renderMarkdown } from "./render";

/** What a streaming text shows: its rendered blocks in order, then maybe the growing tail. */
export type IncrementalView = {
  /** HTML of closed blocks; the first `count` are shown and never change. (Later ones may exist: ignore them.) */
  blocks: readonly string[];
  count: number;
  /**
   * HTML standing for the text after those blocks: the open block's latest rendering, or (while
   * the block it grew into is not rendered yet) that block's beginning. So what is shown is always
   * a beginning of the whole text, each piece once and in order.
   */
  tail: string | null;
};

/**
 * Streaming Markdown, rendered a block at a time. `update` takes the text so far (append-only, as a
 * transcript grows; anything else starts over) and only cuts it into blocks; `step` renders one
 * block – the next closed one in order, else the open tail – so a caller decides how much work to do
 * and when. Every block goes through `render` (the sanitizing `renderMarkdown`) exactly once; the
 * tail is rendered again only when it changed and nothing before it is waiting.
 *
 * What components show is a snapshot taken by `publish` (at most `maxBlocks` new blocks at a
 * time), not the renderer's live state: every component of a card then shows the same moment.
 */
export class IncrementalMarkdown {
  private splitter = new MarkdownBlockSplitter();
  private html: string[] = [];
  /** The last rendering of the tail: the text range it rendered, and how many blocks were closed then. */
  private tailHtml: string | null = null;
  private tailFrom = 0;
  private tailTo = 0;
  private tailAt = 0;
  /** Whether the open block holds more than whitespace (kept up to date by `update`). */
  private tailHasText = false;
  /** Bumped when the text changes. */
  private textVersion = 0;
  /** The published snapshot. */
  private shown: IncrementalView = { blocks: this.html, count: 0, tail: null };
  private shownText = -1;
  private shownDone = false;
  /** Bumped whenever the published snapshot changes. */
  version = 0;

  constructor(private readonly render: (markdown: string) => string = renderMarkdown) {}

  /** The text so far. Cheap: scans only what is new. */
  update(text: string) {
    const known = this.splitter.source;
    if (text === known) return;
    if (!text.startsWith(known)) {
      // Not a continuation (never happens while a transcript streams): start over.
      this.splitter = new MarkdownBlockSplitter();
      this.html = [];
      this.tailHtml = null;
      this.tailAt = this.tailFrom = this.tailTo = 0;
      this.shown = { blocks: this.html, count: 0, tail: null };
      this.version++;
    }
    this.splitter.push(text.slice(this.splitter.source.length));
    this.tailHasText = /\S/.test(this.splitter.tail);
    this.textVersion++;
  }

  /** Whether `step` has something to render. */
  get pending(): boolean {
    if (this.html.length < this.splitter.closed.length) return true;
    return this.tailHasText && (this.tailAt !== this.html.length || this.tailFrom !== this.splitter.tailStart || this.tailTo !== this.splitter.source.length);
  }

  /** Renders the next block (or the tail); false when there was nothing to do. */
  step(): boolean {
    const closed = this.splitter.closed;
    if (this.html.length < closed.length) {
      this.html.push(this.render(closed[this.html.length]!));
      return true;
    }
    if (!this.pending) return false;
    this.tailFrom = this.splitter.tailStart;
    this.tailTo = this.splitter.source.length;
    this.tailAt = this.html.length;
    this.tailHtml = this.render(this.splitter.tail);
    return true;
  }

  /**
   * Takes a snapshot of what is rendered for `view`: at most `maxBlocks` blocks more than the last
   * one (so one frame never has to lay out a flood). True when it changed.
   */
  publish(maxBlocks = Infinity): boolean {
    const count = Math.min(this.html.length, this.shown.count + maxBlocks);
    // The tail's rendering was made right after block `tailAt - 1`: it stands for the block that
    // follows the shown ones – still open, or closed since and not rendered yet (the text it
    // rendered is that block's beginning; a cut comes only after a line it did not have yet).
    const tail = this.tailHtml !== null && this.tailAt === count ? this.tailHtml : null;
    this.shownDone = count === this.html.length && !this.pending;
    this.shownText = this.textVersion;
    if (count === this.shown.count && tail === this.shown.tail && this.html === this.shown.blocks) return false;
    this.shown = { blocks: this.html, count, tail };
    this.version++;
    return true;
  }

  /** Whether the snapshot shows the whole current text, fully rendered. */
  get complete(): boolean {
    return this.shownDone && this.shownText === this.textVersion;
  }

  /** Whether rendered blocks are waiting to be published. */
  get unpublished(): boolean {
    return this.shown.count < this.html.length || (!this.shownDone && !this.pending);
  }

  /** The published snapshot. */
  view(): IncrementalView {
    return this.shown;
  }

  /** Renders and publishes everything now (tests; a caller with no frame to protect). */
  flush() {
    while (this.step());
    this.publish();
  }
}

/**
 * The Markdown texts of one transcript, rendered strictly in order: one scheduler job for the
 * card, whose steps go to the first text that still has work. `frontier` is the first item whose
 * published snapshot is not complete, so a view that shows items up to it (and none after) always
 * shows a beginning of the transcript – never a later piece while an earlier one is missing.
 */
export class MarkdownSequence {
  private parts = new Map<number, IncrementalMarkdown>();
  private listeners = new Set<() => void>();
  private length = 0;

  constructor(
    private readonly render: (markdown: string) => string = renderMarkdown,
    /** New blocks a card shows per publish (per frame). */
    private readonly maxBlocksPerPublish = 8,
  ) {}

  /**
   * Takes the transcript's items as they are now (text is cut into blocks; nothing is rendered).
   * `textOf` gives an item's Markdown, or null for items that are not Markdown.
   */
  sync<T>(items: readonly T[], textOf: (item: T) => string | null) {
    this.length = items.length;
    for (const [i] of this.parts) if (i >= items.length) this.parts.delete(i);
    items.forEach((item, i) => {
      const text = textOf(item);
      if (text === null) this.parts.delete(i);
      else this.part(i).update(text);
    });
  }

  /** The renderer of item `i` (created on first use). */
  part(i: number): IncrementalMarkdown {
    let md = this.parts.get(i);
    if (!md) this.parts.set(i, (md = new IncrementalMarkdown(this.render)));
    return md;
  }

  private first(test: (md: IncrementalMarkdown) => boolean): number {
    let first = this.length;
    for (const [i, md] of this.parts) if (i < first && test(md)) first = i;
    return first;
  }

  /** The first item whose published snapshot is not complete; the number of items when all are. */
  get frontier(): number {
    return this.first((md) => !md.complete);
  }

  /** Rendering or publishing left to do. */
  get pending() {
    return this.frontier < this.length;
  }

  /** One step of the first item with rendering to do; false when every item is rendered. */
  step(): boolean {
    const i = this.first((md) => md.pending);
    return i < this.length && this.part(i).step();
  }

  /**
   * Publishes the rendered blocks, in order and a few at a time, and tells the components.
   * True when more is rendered than published (call again at the next frame).
   */
  notify(): boolean {
    let budget = this.maxBlocksPerPublish;
    let changed = false;
    const order = [...this.parts.keys()].sort((a, b) => a - b);
    for (const i of order) {
      const md = this.part(i);
      const before = md.view().count;
      changed = md.publish(budget) || changed;
      budget -= md.view().count - before;
      if (!md.complete) break; // nothing after an incomplete item is shown anyway
    }
    if (changed) for (const fn of [...this.listeners]) fn();
    return order.some((i) => this.part(i).unpublished);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Renders and publishes everything now (tests; no frame to protect). */
  flush() {
    while (this.step());
    while (this.notify());
  }
}

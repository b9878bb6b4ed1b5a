import { MarkdownBlockSplitter } from "./blocks";
import { renderMarkdown } from "./render";

/** What a streaming text shows: its rendered blocks in order, then maybe the growing tail. */
export type IncrementalView = {
  /** HTML of the closed blocks rendered so far: blocks 0 … n-1, never changing once here. */
  blocks: readonly string[];
  /**
   * HTML of the text after them: the open block, or (while the block it grew into is not rendered
   * yet) its last rendering. It always shows a beginning of the text after `blocks`, so what the
   * page shows is always a beginning of the whole text, each piece once and in order.
   */
  tail: string | null;
};

/**
 * Streaming Markdown, rendered a block at a time. `update` takes the text so far (append-only, as a
 * transcript grows; anything else starts over) and only cuts it into blocks; `step` renders one
 * block – the next closed one in order, else the open tail – so a caller decides how much work to do
 * and when. Every block goes through `render` (the sanitizing `renderMarkdown`) exactly once; the
 * tail is rendered again only when it changed and nothing before it is waiting.
 */
export class IncrementalMarkdown {
  private splitter = new MarkdownBlockSplitter();
  private html: string[] = [];
  /** The last rendering of the tail: its source, and how many blocks were closed when it was made. */
  private tailHtml: string | null = null;
  private tailSource = "";
  private tailAt = 0;
  /** Bumped whenever what `view` returns changes. */
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
      this.tailSource = "";
      this.tailAt = 0;
      this.version++;
    }
    this.splitter.push(text.slice(this.splitter.source.length));
  }

  /** Whether `step` has something to render. */
  get pending(): boolean {
    if (this.html.length < this.splitter.closed.length) return true;
    const tail = this.splitter.tail;
    return tail.trim() !== "" && (tail !== this.tailSource || this.tailAt !== this.html.length);
  }

  /** Renders the next block (or the tail); false when there was nothing to do. */
  step(): boolean {
    const closed = this.splitter.closed;
    if (this.html.length < closed.length) {
      this.html.push(this.render(closed[this.html.length]!));
      this.version++;
      return true;
    }
    if (!this.pending) return false;
    this.tailSource = this.splitter.tail;
    this.tailAt = this.html.length;
    this.tailHtml = this.render(this.tailSource);
    this.version++;
    return true;
  }

  /** Renders everything now (tests; a caller with no frame to protect). */
  flush() {
    while (this.step());
  }

  view(): IncrementalView {
    // The tail's rendering was made right after block `tailAt - 1`: it stands for the block that
    // follows the rendered ones – still open, or closed since and not rendered yet (the text it
    // rendered is that block's beginning; a cut comes only after a line it did not have yet).
    const tail = this.tailHtml !== null && this.tailAt === this.html.length ? this.tailHtml : null;
    return { blocks: this.html, tail };
  }
}

/**
 * The Markdown texts of one transcript, rendered strictly in order: one scheduler job for the
 * card, whose steps go to the first text that still has work. `frontier` is the first item that
 * is not fully rendered, so a view that shows items up to it (and none after) always shows a
 * beginning of the transcript – never a later piece while an earlier one is missing.
 */
export class MarkdownSequence {
  private parts = new Map<number, IncrementalMarkdown>();
  private listeners = new Set<() => void>();
  private length = 0;

  constructor(private readonly render: (markdown: string) => string = renderMarkdown) {}

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

  /** The first item that still has rendering to do; the number of items when none has. */
  get frontier(): number {
    let first = this.length;
    for (const [i, md] of this.parts) if (i < first && md.pending) first = i;
    return first;
  }

  get pending() {
    return this.frontier < this.length;
  }

  /** One step of the first item with work; false when every item is rendered. */
  step(): boolean {
    const i = this.frontier;
    return i < this.length && this.part(i).step();
  }

  notify() {
    for (const fn of [...this.listeners]) fn();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Renders everything now (tests; no frame to protect). */
  flush() {
    while (this.step());
  }
}

/**
 * Cuts growing Markdown into blocks at blank lines outside code fences, as the text arrives: each
 * `push` scans only what is new, so a long transcript costs the same per piece as a short one.
 *
 * A blank line closes the block before it unless a fence is open or the next line continues a
 * list item (starts with whitespace, then more text). That needs the next line's first
 * characters, so the cut is decided as soon as they are there (often long before the line ends).
 * Closed blocks never change again; the text after the last cut (`tail`) is still growing.
 * Blocks that hold only whitespace are dropped; everything else is kept byte for byte.
 */
export class MarkdownBlockSplitter {
  private text = "";
  /** Closed blocks, in order. */
  readonly closed: string[] = [];
  /** Where the still open block starts. */
  private blockStart = 0;
  /** Where the line not yet scanned (no newline seen) starts. */
  private lineStart = 0;
  /** The open code fence (its marker), if any. */
  private fence: string | null = null;
  /** After a blank line outside a fence: where the block would end if the next line does not continue it. */
  private pendingCut = -1;

  /** The whole text so far. */
  get source() {
    return this.text;
  }

  /** The open block (may be empty or only whitespace). */
  get tail() {
    return this.text.slice(this.blockStart);
  }

  /** Where the open block starts in the text. */
  get tailStart() {
    return this.blockStart;
  }

  /** Appends text; returns how many blocks it closed. */
  push(more: string): number {
    const before = this.closed.length;
    this.text += more;
    const text = this.text;
    for (;;) {
      const nl = text.indexOf("\n", this.lineStart);
      if (nl < 0) break;
      this.line(text.slice(this.lineStart, nl), nl + 1);
      this.lineStart = nl + 1;
    }
    // The unfinished last line may already decide a pending cut.
    if (this.pendingCut >= 0) {
      const decided = continuation(text.slice(this.lineStart), false);
      if (decided !== null) this.decide(decided);
    }
    return this.closed.length - before;
  }

  private line(line: string, next: number) {
    if (this.pendingCut >= 0) this.decide(continuation(line, true)!);
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (this.fence === null || (marker[0] === this.fence[0] && marker.length >= this.fence.length))) this.fence = this.fence === null ? marker : null;
    if (this.fence === null && line.trim() === "") this.pendingCut = next;
  }

  private decide(continues: boolean) {
    if (!continues) {
      const block = this.text.slice(this.blockStart, this.pendingCut);
      if (block.trim() !== "") this.closed.push(block);
      this.blockStart = this.pendingCut;
    }
    this.pendingCut = -1;
  }
}

/**
 * Does a line continue the list item before a blank line (whitespace, then text)? null while an
 * unfinished line cannot tell yet (only whitespace so far).
 */
function continuation(line: string, complete: boolean): boolean | null {
  if (line === "") return complete ? false : null;
  if (!/^\s/.test(line)) return false;
  if (/^\s+\S/.test(line)) return true;
  return complete ? false : null;
}

/** The blocks of a whole text: the closed ones, then the rest if it holds more than whitespace. */
export function splitMarkdownBlocks(text: string): string[] {
  const s = new MarkdownBlockSplitter();
  s.push(text);
  const tail = s.tail;
  return tail.trim() === "" ? [...s.closed] : [...s.closed, tail];
}

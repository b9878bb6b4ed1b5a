/** Work that is done a small step at a time; `notify` tells its owner that steps were taken. */
export type SlicedJob = {
  /** Does one step; false when there was nothing left to do. */
  step(): boolean;
  /** At an animation frame after steps were taken (or the job was added): true to be told again at the next one. */
  notify(): boolean | void;
};

export type SchedulerDeps = {
  now: () => number;
  /** Runs `fn` in a later task, letting the browser paint and handle input in between. */
  postTask: (fn: () => void) => void;
  /** Runs `fn` at the next animation frame. */
  nextFrame: (fn: () => void) => void;
  /** How long one task may work (a step already begun is finished). */
  sliceMs: number;
};

/**
 * Shares the main thread between jobs (one per card's streaming Markdown): in tasks of at most
 * `sliceMs`, one step of each job in turn, so no card waits behind another; the jobs that
 * progressed are told once, at the next animation frame, so each card commits what it rendered at
 * most once per frame.
 */
export class SlicedScheduler {
  private jobs: SlicedJob[] = [];
  private cursor = 0;
  private dirty = new Set<SlicedJob>();
  private taskQueued = false;
  private frameQueued = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Queues a job (again) after it got more work, and tells it at the next frame. */
  add(job: SlicedJob) {
    if (!this.jobs.includes(job)) this.jobs.push(job);
    this.dirty.add(job);
    this.queueTask();
    this.queueFrame();
  }

  /** Forgets a job (its owner went away): it is neither stepped nor told any more. */
  remove(job: SlicedJob) {
    const i = this.jobs.indexOf(job);
    if (i >= 0) {
      this.jobs.splice(i, 1);
      if (this.cursor > i) this.cursor--;
    }
    this.dirty.delete(job);
  }

  get idle() {
    return this.jobs.length === 0 && !this.taskQueued && !this.frameQueued;
  }

  private queueTask() {
    if (this.taskQueued || this.jobs.length === 0) return;
    this.taskQueued = true;
    this.deps.postTask(() => this.run());
  }

  private run() {
    this.taskQueued = false;
    const start = this.deps.now();
    while (this.jobs.length > 0 && this.deps.now() - start < this.deps.sliceMs) {
      if (this.cursor >= this.jobs.length) this.cursor = 0;
      const job = this.jobs[this.cursor]!;
      if (job.step()) {
        this.dirty.add(job);
        this.cursor++;
      } else this.jobs.splice(this.cursor, 1); // done: next turn goes to the job that moved up
    }
    this.queueFrame();
    this.queueTask();
  }

  private queueFrame() {
    if (this.dirty.size === 0 || this.frameQueued) return;
    this.frameQueued = true;
    this.deps.nextFrame(() => this.tell());
  }

  private tell() {
    this.frameQueued = false;
    const jobs = [...this.dirty];
    this.dirty.clear();
    for (const job of jobs) if (job.notify()) this.dirty.add(job);
    this.queueFrame();
  }
}

/** A task that runs after pending input and rendering: a MessageChannel message (no 4 ms clamp). */
function browserPostTask(): (fn: () => void) => void {
  if (typeof MessageChannel === "undefined") return (fn) => setTimeout(fn, 0);
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  };
}

let shared: SlicedScheduler | null = null;

/** The page's one scheduler for streaming Markdown. */
export function markdownScheduler(): SlicedScheduler {
  shared ??= new SlicedScheduler({
    now: () => performance.now(),
    postTask: browserPostTask(),
    // Hidden tabs get no frames: the store's batches wait as well, and so do these.
    nextFrame: (fn) => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => fn()) : setTimeout(fn, 16)),
    sliceMs: 8,
  });
  return shared;
}

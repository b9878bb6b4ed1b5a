import { describe, expect, it } from "vitest";
import { SlicedScheduler, type SlicedJob } from "./scheduler";

/** A scheduler on a fake clock: each step costs `stepMs`; tasks and frames run when the test says. */
function harness(sliceMs = 8) {
  let clock = 0;
  const tasks: (() => void)[] = [];
  const frames: (() => void)[] = [];
  const scheduler = new SlicedScheduler({ now: () => clock, postTask: (fn) => tasks.push(fn), nextFrame: (fn) => frames.push(fn), sliceMs });
  const log: string[] = [];
  const job = (name: string, steps: number, stepMs = 1) => {
    let left = steps;
    const j: SlicedJob & { notified: number; left: () => number; more: (n: number) => void } = {
      notified: 0,
      step() {
        if (left === 0) return false;
        left--;
        clock += stepMs;
        log.push(name);
        return true;
      },
      notify() {
        j.notified++;
      },
      left: () => left,
      more: (n) => (left += n),
    };
    return j;
  };
  const runTask = () => tasks.shift()?.();
  const runFrame = () => frames.splice(0).forEach((f) => f());
  return { scheduler, job, log, tasks, frames, runTask, runFrame, clock: () => clock };
}

describe("SlicedScheduler", () => {
  it("works in slices, one step of each job in turn, and tells the jobs at the next frame", () => {
    const h = harness(8);
    const a = h.job("a", 10);
    const b = h.job("b", 3);
    h.scheduler.add(a);
    h.scheduler.add(b);
    expect(h.tasks).toHaveLength(1);
    h.runTask();
    expect(h.log).toEqual(["a", "b", "a", "b", "a", "b", "a", "a"]); // 8 steps of 1 ms
    expect(a.notified + b.notified).toBe(0); // not before the frame
    expect(h.frames).toHaveLength(1);
    expect(h.tasks).toHaveLength(1); // more to do: another task, not a longer one
    h.runTask();
    expect(h.frames).toHaveLength(1); // one frame callback for any number of slices
    h.runFrame();
    expect([a.notified, b.notified]).toEqual([1, 1]);
    expect(a.left() + b.left()).toBe(0);
    h.runTask(); // nothing left: the jobs leave the queue
    expect(h.scheduler.idle).toBe(true);
  });

  it("finishes a step it began even when it overruns the slice, and never starts another", () => {
    const h = harness(8);
    h.scheduler.add(h.job("big", 3, 20));
    h.runTask();
    expect(h.log).toEqual(["big"]);
    expect(h.clock()).toBe(20);
  });

  it("takes a job again when it got more work, and forgets a removed one", () => {
    const h = harness(8);
    const a = h.job("a", 1);
    h.scheduler.add(a);
    h.runTask();
    h.runTask();
    h.runFrame();
    a.more(2);
    h.scheduler.add(a);
    h.scheduler.add(a);
    expect(h.tasks).toHaveLength(1);
    h.scheduler.remove(a);
    h.runTask();
    h.runFrame();
    expect(h.log).toEqual(["a"]);
    expect(a.notified).toBe(1);
  });
});

import { runInAction } from "mobx";

/**
 * One animation-frame callback for every live card on the page, run inside one MobX action: all
 * cards that got events in a frame update together, in one React commit.
 */
const frameQueue: (() => void)[] = [];

export const nextFrame = (fn: () => void) => {
  frameQueue.push(fn);
  if (frameQueue.length > 1) return;
  const run = () => runInAction(() => frameQueue.splice(0).forEach((f) => f()));
  // Hidden tabs get no animation frames: the batch then waits until the tab is looked at again.
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
  else setTimeout(run, 16);
};

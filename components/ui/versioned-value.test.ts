import { describe, expect, it } from "vitest";
import { VersionedValue } from "./versioned-value";

const sameIds = (a: string[], b: string[]) => a.join() === b.join();
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe("a value edited here and rendered by the server", () => {
  it("keeps a tick when a render from before it lands while its save is on its way, and after", () => {
    const labels = new VersionedValue<string[]>([], t(0), sameIds);
    // The priority was saved at 1 s; its refresh was rendered then, with no labels.
    const end = labels.begin(["frontend"]);
    expect(labels.serverRendered([], t(1))).toBe(false);
    expect(labels.current).toEqual(["frontend"]);
    end(t(2));
    // The same stale render, landing after the save answered: still older than what was saved.
    expect(labels.serverRendered([], t(1))).toBe(false);
    // A label created next builds on what is shown.
    expect([...labels.current, "bug"]).toEqual(["frontend", "bug"]);
  });

  it("takes a newer render (another member's change) and ignores one that is the same", () => {
    const labels = new VersionedValue<string[]>(["a"], t(0), sameIds);
    labels.begin(["a", "b"])(t(1));
    expect(labels.serverRendered(["a", "b"], t(1))).toBe(false);
    expect(labels.serverRendered(["c"], t(5))).toBe(true);
    expect(labels.current).toEqual(["c"]);
  });

  it("puts back what was there when the save failed, unless a later edit replaced it", () => {
    const labels = new VersionedValue<string[]>(["a"], t(0), sameIds);
    labels.begin(["a", "b"])(null);
    expect(labels.current).toEqual(["a"]);
    const first = labels.begin(["x"]);
    labels.begin(["x", "y"]);
    first(null);
    expect(labels.current).toEqual(["x", "y"]);
  });
});

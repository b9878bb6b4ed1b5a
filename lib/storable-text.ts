/**
 * Strings PostgreSQL cannot store: `text` refuses NUL, `jsonb` (and any UTF-8 encoding) refuses a
 * lone UTF-16 surrogate. Left to the database, each is a 500; found here, a 400 naming the field.
 */
export type UnstorableString = { path: (string | number)[]; problem: "nul" | "surrogate" };

const LONE_SURROGATE = /\p{Cs}/u; // with the u flag, a well-formed pair is one code point and does not match

export function stringProblem(s: string): UnstorableString["problem"] | null {
  if (s.includes("\u0000")) return "nul";
  return LONE_SURROGATE.test(s) ? "surrogate" : null;
}

/** The string without what PostgreSQL cannot store (for text taken as it comes, e.g. from an agent). */
export const stripUnstorable = (s: string) => s.replace(/\u0000|\p{Cs}/gu, "");

export const describeProblem = (problem: UnstorableString["problem"]) =>
  problem === "nul" ? "contains a NUL character" : "contains an unpaired surrogate (text that is not valid Unicode)";

type Frame = { value: unknown; key: string | number | null; parent: Frame | null };

const pathOf = (frame: Frame) => {
  const path: (string | number)[] = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) path.unshift(f.key);
  return path;
};

/** The first such string anywhere in a value, object keys included. Iterative: a deeply nested body cannot overflow the stack. */
export function findUnstorableString(value: unknown): UnstorableString | null {
  const stack: Frame[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (typeof v === "string") {
      const problem = stringProblem(v);
      if (problem) return { path: pathOf(frame), problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: frame });
    } else if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const problem = stringProblem(k);
        if (problem) return { path: [...pathOf(frame), k], problem };
        stack.push({ value: child, key: k, parent: frame });
      }
    }
  }
  return null;
}

import fc from "fast-check";

/** Strings that have broken servers before: what the database refuses, what a parser or a path resolver trips on, what a renderer must not run. */
export const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\ud83d",
  "😀",
  "\u202e\u2066evil",
  "\u0007\u001b[2J",
  "\r\n\r\nX-Injected: 1",
  "\ufeff",
  "\u200b",
  "../../etc/passwd",
  "..%2f..%2f",
  "%00",
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "${7*7}{{7*7}}",
  "__proto__",
  "constructor",
  "NaN",
  "-1",
  "0",
  "99999999999",
  "1e309",
  "",
  " ",
  "WEB-1",
  "00000000-0000-4000-8000-000000000000",
  "x".repeat(10_000),
  "é".repeat(70_000),
];

const oneChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom("\u0000", "\u0007", "\u202e", "\ufeff", "/", ".", "%", "'", '"', "<", ">", "@", ":", "-", ",") },
);

/** A hostile string: a known one, random code units (lone surrogates and NULs included), or a known one inside random text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.array(oneChar, { maxLength: 30 }).map((cs) => cs.join("")) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 })).map(([h, s]) => `${s}${h}${s}`) },
);

/** Any JSON value, nested a few levels, with hostile strings for both keys and values. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Nesting JSON.stringify cannot write (it recurses): built as text. */
export const deepJsonText = fc.tuple(fc.integer({ min: 500, max: 20_000 }), fc.constantFrom("array", "object", "doc")).map(([depth, kind]) => {
  if (kind === "array") return `${"[".repeat(depth)}${"]".repeat(depth)}`;
  if (kind === "object") return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  const open = '{"type":"blockquote","content":['.repeat(depth);
  return `{"body":{"type":"doc","content":[${open}{"type":"paragraph"}${"]}".repeat(depth)}]}}`;
});

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (typeof value === "object" && value !== null) return [prefix, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return [prefix];
}

function setAt(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? undefined : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...value];
    if (rest.length === 0 && remove) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, replacement, remove);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && remove) delete copy[head as string];
  else copy[head as string] = setAt(copy[head as string], rest, replacement, remove);
  return copy;
}

/**
 * Bodies near a valid one, so the hostile part gets past the first check: one field (at any depth)
 * replaced by a hostile string or any value, a field missing, extra fields; or something else entirely.
 */
export function bodyNear(template: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(template);
  const at = fc.constantFrom(...paths);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(at, hostileString).map(([p, v]) => setAt(template, p, v, false)) },
    { weight: 3, arbitrary: fc.tuple(at, hostileValue).map(([p, v]) => setAt(template, p, v, false)) },
    { weight: 1, arbitrary: at.map((p) => setAt(template, p, null, true) ?? {}) },
    { weight: 1, arbitrary: fc.dictionary(hostileString, hostileValue, { minKeys: 1, maxKeys: 3 }).map((extra) => (typeof template === "object" && template ? { ...extra, ...template } : extra)) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/**
 * A query string from known parameters (and a random one): each value the working one given in
 * `known` or a hostile string; `%00` and friends are left for the server to decode.
 */
export function hostileQuery(known: Record<string, string>): fc.Arbitrary<string> {
  const names = Object.keys(known);
  const name = names.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }) : hostileString;
  const raw = fc.oneof(hostileString, fc.constantFrom("%00", "%ED%A0%80", "%", "%zz"));
  const pair = name.chain((n) => fc.tuple(fc.constant(n), !Object.hasOwn(known, n) ? raw : fc.oneof({ weight: 2, arbitrary: fc.constant(known[n]!) }, { weight: 3, arbitrary: raw })));
  return fc.array(pair, { maxLength: 4 }).map((pairs) => {
    if (!pairs.length) return "";
    // Values given raw when they look like escapes, so the server decodes them itself; a URL cannot carry a lone surrogate.
    const enc = (s: string) => (/^%/.test(s) ? s : encodeURIComponent(s.replace(/\p{Cs}/gu, "\ufffd")));
    return `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")}`;
  });
}

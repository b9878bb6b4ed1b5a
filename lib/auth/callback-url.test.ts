import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeCallbackUrl, sameOriginPath } from "./callback-url";

const hostile = [
  "https://evil.example/",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example/x",
  "/\n/evil.example/x",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/\\/evil.example",
  "/\u0000/evil.example",
  "https:/\\evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "\njavascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "http://user:pass@dispatch.invalid/",
  "/" + "a".repeat(5000),
  "",
  undefined,
  null,
  ["/a", "/b"],
];

describe("safeCallbackUrl", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeCallbackUrl("/acme/issue/WEB-1")).toBe("/acme/issue/WEB-1");
    expect(safeCallbackUrl("/acme/agents?status=active#session-1")).toBe("/acme/agents?status=active#session-1");
  });

  it.each(hostile)("sends %j home", (raw) => {
    expect(safeCallbackUrl(raw)).toBe("/");
  });

  it("never turns a path into another host: `/.//evil` resolves to `//evil`", () => {
    expect(safeCallbackUrl("/.//evil.example/x")).toBe("/evil.example/x");
    expect(safeCallbackUrl("/a/..//evil.example")).toBe("/evil.example");
  });

  it("reads a scheme-relative `http:path` as a path of this site, as browsers do", () => {
    expect(safeCallbackUrl("http:evil.example", "http://localhost:3000")).toBe("/evil.example");
    expect(safeCallbackUrl("http:evil.example", "https://localhost:3000")).toBe("/");
  });

  it("keeps still-encoded separators encoded (they are a path on this site)", () => {
    expect(safeCallbackUrl("/%09/evil.example/x")).toBe("/%09/evil.example/x");
    expect(safeCallbackUrl("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeCallbackUrl("/%5Cevil.example")).toBe("/%5Cevil.example");
  });

  it("accepts absolute URLs of the site's own origin, and no other", () => {
    expect(safeCallbackUrl("http://localhost:3000/acme?x=1", "http://localhost:3000")).toBe("/acme?x=1");
    expect(safeCallbackUrl("http://localhost:3001/acme", "http://localhost:3000")).toBe("/");
    expect(safeCallbackUrl("https://localhost:3000/acme", "http://localhost:3000")).toBe("/");
  });

  it("whatever it is given, the answer resolves to the same origin, starts with one slash and holds no control character", () => {
    const piece = fc.constantFrom("/", "//", "\\", "\t", "\n", "\r", "\u0000", " ", ".", "..", ":", "@", "?", "#", "%", "%2f", "%09", "evil.example", "http", "https:", "javascript:", "a");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join("")), (raw) => {
        const out = safeCallbackUrl(raw, "http://localhost:3000");
        expect(out.startsWith("/")).toBe(true);
        expect(out.startsWith("//")).toBe(false);
        expect(out).not.toMatch(/[\u0000-\u001f\u007f\\ ]/);
        // What a browser does with the Location header: strip tabs and newlines, then resolve.
        expect(new URL(out.replace(/[\t\n\r]/g, ""), "http://localhost:3000").origin).toBe("http://localhost:3000");
      }),
      { numRuns: 2000 },
    );
  });

  it("sameOriginPath says null for what it refuses", () => {
    expect(sameOriginPath("//evil.example")).toBeNull();
    expect(sameOriginPath("/ok")).toBe("/ok");
  });
});

import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackUrl("/acme/issue/WEB-1")).toBe("/acme/issue/WEB-1");
  });
  it.each(["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", undefined])("sends %j home", (raw) => {
    expect(safeCallbackUrl(raw)).toBe("/");
  });
});

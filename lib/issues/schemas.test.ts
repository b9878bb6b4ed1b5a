import { describe, expect, it } from "vitest";
import { issueKey, parseIssueKey } from "./schemas";

describe("issue keys", () => {
  it("parses keys case-insensitively", () => {
    expect(parseIssueKey("WEB-12")).toEqual({ identifier: "WEB", number: 12 });
    expect(parseIssueKey("web-3")).toEqual({ identifier: "WEB", number: 3 });
  });
  it.each(["WEB", "WEB-0", "WEB-01", "-1", "W-1", "WEB-1-2", "WEB-1234567890"])("rejects %j", (key) => {
    expect(parseIssueKey(key)).toBeNull();
  });
  it("round-trips", () => {
    expect(parseIssueKey(issueKey("API", 41))).toEqual({ identifier: "API", number: 41 });
  });
});

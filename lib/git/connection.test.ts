import { describe, expect, it } from "vitest";
import { checkPastedGitToken } from "./connection";

const body = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

describe("pasted GitHub tokens", () => {
  it("takes installation and OAuth tokens, joined if the paste wrapped", () => {
    expect(checkPastedGitToken(`ghs_${body.slice(0, 18)}\n${body.slice(18)}`)).toEqual({ token: `ghs_${body}`, kind: "installation", lifetimeMs: 3_600_000 });
    expect(checkPastedGitToken(`gho_${body}`).kind).toBe("oauth");
  });
  it("refuses personal access tokens, saying why, and never repeats the token", () => {
    for (const pat of [`ghp_${body}`, `github_pat_11AAAA_${body}`]) {
      let message = "";
      try {
        checkPastedGitToken(pat);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/personal access token/);
      expect(message).not.toContain(body);
    }
  });
  it("refuses what is not a GitHub token, and an empty paste", () => {
    expect(() => checkPastedGitToken("hunter2")).toThrow(/not a GitHub token/);
    expect(() => checkPastedGitToken("  ")).toThrow(/No token was pasted/);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactDeep, redactSecrets } from "./redact";

describe("redactSecrets", () => {
  it.each([
    ["sk-ant-oat01-AbCdEf0123456789_-xyzXYZ", "Anthropic OAuth token"],
    ["sk-ant-api03-AbCdEf0123456789_-xyzXYZ", "Anthropic API key"],
    ["ya29.a0AfH6SMBx-abcdefghijklmnop", "Google access token"],
    ["AIzaSyA1234567890abcdefghijklmnopqrstuv", "Google API key"],
    ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token"],
  ])("replaces %s (%s) wherever it appears", (token) => {
    expect(redactSecrets(`token=${token}; again "${token}".`)).toBe('token=[redacted]; again "[redacted]".');
  });

  it("replaces a known secret of any shape and keeps the word Bearer", () => {
    expect(redactSecrets("the key is hunter2-but-longer, ok", ["hunter2-but-longer"])).toBe("the key is [redacted], ok");
    expect(redactSecrets("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345")).toBe("Authorization: Bearer [redacted]");
  });

  it("leaves ordinary prose and code alone", () => {
    const text = "Run `npm test`; the answer is **42**. See https://example.com/a-b_c and sk-ant is a prefix.";
    expect(redactSecrets(text)).toBe(text);
  });

  it("never leaves a known secret in the output, whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/), (before, after, secret) => {
        expect(redactSecrets(before + secret + after, [secret])).not.toContain(secret);
      }),
    );
  });

  it("walks nested event payloads", () => {
    const t = "sk-ant-oat01-SECRETSECRETSECRET";
    expect(redactDeep({ type: "tool_call", input: { command: `echo ${t}`, args: [t, 3] } })).toEqual({
      type: "tool_call",
      input: { command: "echo [redacted]", args: ["[redacted]", 3] },
    });
  });
});

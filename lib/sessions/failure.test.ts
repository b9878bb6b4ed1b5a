import { describe, expect, it } from "vitest";
import { FAILURE_CODES, modelApiFailure, outcomeCommentMarkdown, timedOutMessage } from "./failure";

describe("failure reasons", () => {
  it("counts minutes in words a person would write", () => {
    expect(timedOutMessage(1)).toMatch(/^Timed out after 1 minute\. /);
    expect(timedOutMessage(15)).toMatch(/^Timed out after 15 minutes\. /);
  });

  it.each([
    [{ status: 401 }, "model_credential_refused", "reconnect"],
    [{ status: 403 }, "model_credential_refused", "reconnect"],
    [{ status: 429 }, "model_rate_limited", "rate-limiting"],
    [{ status: 529 }, "model_overloaded", "overloaded"],
    [{ status: 503 }, "model_overloaded", "overloaded"],
    [{ status: 500 }, "model_error", "HTTP 500"],
    [{ unreachable: true }, "model_unreachable", "could not be reached"],
  ] as const)("turns what the model API answered (%j) into %s", (upstream, code, words) => {
    const f = modelApiFailure("Claude", upstream)!;
    expect(f.code).toBe(code);
    expect(f.message).toContain(words);
    expect(FAILURE_CODES).toContain(f.code);
  });

  it("does not blame the API for answers that are not failures", () => {
    expect(modelApiFailure("Claude", { status: 400 })).toBeNull();
    expect(modelApiFailure("Claude", {})).toBeNull();
  });

  it("writes the outcome comment with its status and reason", () => {
    expect(outcomeCommentMarkdown("failed", "The worker running this session stopped.")).toBe("**Failed** — The worker running this session stopped.");
    expect(outcomeCommentMarkdown("cancelled", null)).toBe("**Cancelled** — no reason was recorded.");
    expect(outcomeCommentMarkdown("cancelled", "Cancelled by Ada Lovelace.")).toBe("**Cancelled by Ada Lovelace.**");
    expect(outcomeCommentMarkdown("timed_out", timedOutMessage(5))).toBe("**Timed out after 5 minutes.** Raise the skill's or provider's time limit, or split the work.");
  });
});

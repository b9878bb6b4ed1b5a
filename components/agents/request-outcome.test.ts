import { describe, expect, it } from "vitest";
import { requestOutcome } from "./request-outcome";

const question = { kind: "question" as const, id: "q", question: "Which database?", options: ["PostgreSQL", "Redis"], multiple: true, expiresAt: "2026-12-04T12:00:00.000Z" };
const approval = { kind: "approval" as const, id: "a", tool: "Bash", action: "rm -f x", rule: 'commands matching "rm" need approval', expiresAt: "2026-12-04T12:00:00.000Z" };
const at = "2026-12-04T11:00:00.000Z";

describe("requestOutcome", () => {
  it("names who answered and what: options, then their own words", () => {
    expect(requestOutcome(question, { status: "answered", answer: { kind: "question", choices: ["Redis"], text: null }, by: "Ada", at })).toBe("Ada answered Redis");
    expect(requestOutcome(question, { status: "answered", answer: { kind: "question", choices: ["PostgreSQL", "Redis"], text: "both, behind a flag" }, by: "Ada", at })).toBe(
      "Ada answered PostgreSQL, Redis — both, behind a flag",
    );
    expect(requestOutcome(question, { status: "answered", answer: { kind: "question", choices: [], text: "use the second option" }, by: null, at })).toBe("A member answered use the second option");
  });

  it("says an approval's decision, who took it and the reason given", () => {
    expect(requestOutcome(approval, { status: "answered", answer: { kind: "approval", decision: "approved", reason: null }, by: "Ada", at })).toBe("approved by Ada");
    expect(requestOutcome(approval, { status: "answered", answer: { kind: "approval", decision: "rejected", reason: "keep it" }, by: "Ada", at })).toBe("rejected by Ada: keep it");
  });

  it("says when nobody answered in time or the session ended first", () => {
    expect(requestOutcome(question, { status: "expired", answer: null, by: null, at })).toBe("No answer in time");
    expect(requestOutcome(approval, { status: "expired", answer: null, by: null, at })).toBe("No answer in time: not run");
    expect(requestOutcome(question, { status: "closed", answer: null, by: null, at })).toBe("Closed: the session ended");
  });
});

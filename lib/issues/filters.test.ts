import { describe, expect, it } from "vitest";
import { filtersToQuery, parseListFilters } from "./filters";

const parse = (qs: string, strict = false) => parseListFilters(new URLSearchParams(qs), { strict });

describe("issue list filters in the URL", () => {
  it("defaults to open issues with nothing else chosen", () => {
    expect(parse("")).toEqual({ states: "open", priorities: [], assignees: [], labels: [], q: "" });
  });

  it("reads repeated and comma-separated values and round-trips them", () => {
    const f = parse("state=todo,done&priority=high&priority=urgent&assignee=me,agent:claude-opus&label=bug&q=%20login%20");
    expect(f).toEqual({
      states: ["todo", "done"],
      priorities: ["high", "urgent"],
      assignees: [{ kind: "me" }, { kind: "agent", ref: "claude-opus" }],
      labels: ["bug"],
      q: "login",
    });
    expect(parse(filtersToQuery(f).slice(1))).toEqual(f);
  });

  it("a page leaves out what names nothing; the API names the parameter", () => {
    expect(parse("state=closed&priority=meh&assignee=bob")).toEqual({ states: "open", priorities: [], assignees: [], labels: [], q: "" });
    expect(() => parse("state=closed", true)).toThrow(expect.objectContaining({ field: "state" }));
    expect(() => parse("priority=meh", true)).toThrow(expect.objectContaining({ field: "priority" }));
    expect(() => parse("assignee=user:not-a-uuid", true)).toThrow(expect.objectContaining({ field: "assignee" }));
    expect(() => parse(`q=${"x".repeat(201)}`, true)).toThrow(expect.objectContaining({ field: "q" }));
  });

  it("a search PostgreSQL could not compare (a NUL; URLSearchParams already turns a lone surrogate into U+FFFD): the API names q, a page drops the bad characters", () => {
    expect(() => parse("q=log%00in", true)).toThrow(expect.objectContaining({ field: "q", message: "q contains a NUL character." }));
    expect(parse("q=log%00in").q).toBe("login");
  });
});

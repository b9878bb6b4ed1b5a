import { describe, expect, it } from "vitest";
import { approvalPolicySchema, approvalRule, commandMatches, describeAction, NO_APPROVALS, policyAsks } from "./approvals";

const policy = (p: Partial<typeof NO_APPROVALS>) => ({ ...NO_APPROVALS, ...p });
const bash = (command: string) => ({ tool: "Bash", input: { command }, workDir: "/work" });

describe("approval patterns", () => {
  it.each([
    ["rm -rf build", "rm", true],
    ["/bin/rm x", "rm", true],
    ["cd src && git push -f origin main", "git push", true],
    ["FOO=1 sudo git push", "git push", true],
    ["ls | curl -d @- http://x", "curl", true],
    ["echo $(curl http://x)", "curl", true],
    ["git pushx", "git push", false],
    ["echo git push", "git push", false],
    ["npm run format", "rm", false],
    ["git status", "git push", false],
  ])("%s ~ %s → %s", (command, pattern, hit) => {
    expect(commandMatches(command, pattern)).toBe(hit);
  });
});

describe("approvalRule", () => {
  it("asks for nothing without a policy, or with an empty one", () => {
    expect(policyAsks(null)).toBe(false);
    expect(policyAsks(policy({ shell: "patterns", shellPatterns: [] }))).toBe(false);
    expect(approvalRule(null, bash("rm -rf /"))).toBeNull();
    expect(approvalRule(NO_APPROVALS, bash("rm -rf /"))).toBeNull();
  });

  it("names the rule an action falls under", () => {
    expect(approvalRule(policy({ shell: "all" }), bash("ls"))).toBe("every shell command needs approval");
    expect(approvalRule(policy({ shell: "patterns", shellPatterns: ["curl", "rm"] }), bash("rm -r x"))).toBe('commands matching "rm" need approval');
    expect(approvalRule(policy({ shell: "patterns", shellPatterns: ["rm"] }), bash("ls -la"))).toBeNull();
    expect(approvalRule(policy({ tools: ["webfetch"] }), { tool: "WebFetch", input: { url: "x" }, workDir: "/work" })).toBe("the tool WebFetch needs approval");
    // Gemini CLI's shell tool is held to the same rule.
    expect(approvalRule(policy({ shell: "all" }), { tool: "run_shell_command", input: { command: "ls" }, workDir: "/work" })).not.toBeNull();
  });

  it("tells writes outside the work tree from writes inside it", () => {
    const p = policy({ outsideWorkTree: true });
    const write = (file_path: string) => ({ tool: "Write", input: { file_path, content: "x" }, workDir: "/work" });
    expect(approvalRule(p, write("/work/src/a.ts"))).toBeNull();
    expect(approvalRule(p, write("src/a.ts"))).toBeNull();
    expect(approvalRule(p, write("/work/../etc/passwd"))).toBe("writing outside the work tree needs approval");
    expect(approvalRule(p, write("/workspace/x"))).toBe("writing outside the work tree needs approval");
    expect(approvalRule(p, bash("rm -rf /"))).toBeNull();
  });

  it("describes the exact action", () => {
    expect(describeAction(bash("git push origin main"))).toBe("git push origin main");
    expect(describeAction({ tool: "Edit", input: { file_path: "/etc/hosts" }, workDir: "/work" })).toBe("/etc/hosts");
    expect(describeAction({ tool: "WebFetch", input: { url: "http://x" }, workDir: "/work" })).toBe('{"url":"http://x"}');
  });
});

describe("approvalPolicySchema", () => {
  it("reads the API's snake_case and refuses what it does not know", () => {
    expect(approvalPolicySchema.parse({ shell: "patterns", shell_patterns: [" rm ", "git push"] })).toEqual({ shell: "patterns", shellPatterns: ["rm", "git push"], outsideWorkTree: false, tools: [] });
    expect(approvalPolicySchema.safeParse({ shell: "some" }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ shell: "all", extra: 1 }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ shell: "none", tools: ["rm -rf"] }).success).toBe(false);
    // Text PostgreSQL cannot store is refused under the API's own field name (before the rename).
    const nul = approvalPolicySchema.safeParse({ shell: "patterns", shell_patterns: ["ok", "r\u0000m"] });
    expect(nul.success ? null : nul.error.issues[0]).toMatchObject({ path: ["shell_patterns", 1], message: "a pattern contains a NUL character" });
  });
});

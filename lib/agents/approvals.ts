import path from "node:path";
import { z } from "zod";
import type { ApprovalPolicy } from "@/db/schema";
import { describeProblem, stringProblem } from "@/lib/storable-text";

/**
 * Which of an agent's actions wait for a member's approval (a skill's, else its provider's
 * policy). Matching is on what the CLI is about to do, as its permission hook reports it.
 */

export const NO_APPROVALS: ApprovalPolicy = { shell: "none", shellPatterns: [], outsideWorkTree: false, tools: [] };

/** Text PostgreSQL can store: checked here, before the transform renames the fields, so a 400 names the API's field. */
const storable = (schema: z.ZodString) =>
  schema.superRefine((s, ctx) => {
    const problem = stringProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: `a pattern ${describeProblem(problem)}` });
  });

export const approvalPolicySchema = z
  .object({
    shell: z.enum(["all", "none", "patterns"]),
    shell_patterns: z.array(storable(z.string().trim().min(1).max(100))).max(50).default([]),
    outside_work_tree: z.boolean().default(false),
    tools: z.array(z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, "a tool name is letters, digits and _ . : -")).max(50).default([]),
  })
  .strict()
  .transform((p): ApprovalPolicy => ({ shell: p.shell, shellPatterns: p.shell_patterns, outsideWorkTree: p.outside_work_tree, tools: p.tools }));

export const approvalPolicyJson = (p: ApprovalPolicy | null) =>
  p && { shell: p.shell, shell_patterns: p.shellPatterns, outside_work_tree: p.outsideWorkTree, tools: p.tools };

export const policyAsks = (p: ApprovalPolicy | null | undefined): p is ApprovalPolicy =>
  !!p && (p.shell === "all" || (p.shell === "patterns" && p.shellPatterns.length > 0) || p.outsideWorkTree || p.tools.length > 0);

/** The CLIs' names for running a command and for writing a file. */
const SHELL_TOOLS = new Set(["bash", "run_shell_command"]);
const WRITE_TOOLS = new Set(["write", "edit", "multiedit", "notebookedit", "write_file", "replace"]);

type Action = { tool: string; input: unknown; workDir: string };

const field = (input: unknown, ...keys: string[]): string | null => {
  if (!input || typeof input !== "object") return null;
  for (const k of keys) {
    const v = (input as Record<string, unknown>)[k];
    if (typeof v === "string" && v) return v;
  }
  return null;
};

/** The exact thing a member approves: the command line, the file path, or the tool's input. */
export function describeAction({ tool, input }: Action): string {
  const lower = tool.toLowerCase();
  if (SHELL_TOOLS.has(lower)) return field(input, "command") ?? "";
  if (WRITE_TOOLS.has(lower)) return field(input, "file_path", "notebook_path", "path", "absolute_path") ?? "";
  const json = JSON.stringify(input ?? {});
  return json.length > 2_000 ? `${json.slice(0, 2_000)}…` : json;
}

/** The rule an action falls under (in words, for the card), or null when it may run without asking. */
export function approvalRule(policy: ApprovalPolicy | null | undefined, action: Action): string | null {
  if (!policyAsks(policy)) return null;
  const lower = action.tool.toLowerCase();
  if (policy.tools.some((t) => t.toLowerCase() === lower)) return `the tool ${action.tool} needs approval`;
  if (SHELL_TOOLS.has(lower)) {
    const command = field(action.input, "command") ?? "";
    if (policy.shell === "all") return "every shell command needs approval";
    const hit = policy.shell === "patterns" ? policy.shellPatterns.find((p) => commandMatches(command, p)) : undefined;
    if (hit) return `commands matching "${hit}" need approval`;
  }
  if (policy.outsideWorkTree && WRITE_TOOLS.has(lower)) {
    const target = field(action.input, "file_path", "notebook_path", "path", "absolute_path");
    if (target && !isInside(action.workDir, target)) return "writing outside the work tree needs approval";
  }
  return null;
}

function isInside(root: string, target: string): boolean {
  const abs = path.posix.resolve(root, target);
  return abs === root || abs.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/**
 * A pattern matches a command when its words appear in order at the start of one of the
 * command's simple commands (split on ; && || | and newlines, after `sudo`, `env` and VAR=value),
 * a program named by its path counting by its base name: `git push` matches `cd x && git push -f`
 * and `/usr/bin/git push`, not `git pushx` or `echo git push`.
 */
export function commandMatches(command: string, pattern: string): boolean {
  const want = pattern.trim().split(/\s+/).filter(Boolean);
  if (want.length === 0) return false;
  for (const part of command.split(/;|&&|\|\||\||\n|\$\(|`/)) {
    let words = part.trim().replace(/^[({]\s*/, "").split(/\s+/).filter(Boolean);
    while (words.length && (/^\w+=/.test(words[0]!) || words[0] === "sudo" || words[0] === "env" || words[0] === "exec" || words[0] === "command")) words = words.slice(1);
    if (words.length < want.length) continue;
    const first = words[0]!.split("/").at(-1)!;
    if ([first, ...words.slice(1)].slice(0, want.length).every((w, i) => w === want[i])) return true;
  }
  return false;
}

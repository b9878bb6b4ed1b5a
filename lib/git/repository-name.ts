import { z } from "zod";

/** GitHub's own rules: an owner of letters, digits and single hyphens; a name of letters, digits, ".", "-", "_". */
export const repositoryNameSchema = z
  .string()
  .trim()
  .max(140, "repository must be at most 140 characters.")
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/, 'repository must look like "owner/name", e.g. "acme/api".')
  .refine((v) => !/\/\.{1,2}$/.test(v) && !v.endsWith(".git"), 'repository must look like "owner/name" (without ".git").');

/** `agent/ENG-12-1a2b3c4d`: the issue it is for, and the session that made it. */
export const agentBranchName = (issueKey: string, sessionId: string) => `agent/${issueKey}-${sessionId.replace(/-/g, "").slice(0, 8)}`;

/**
 * The GitHub `owner/name` a project's repository names: `owner/name` itself, or a clone URL on
 * the configured GitHub host (https or git@). null: not a GitHub repository Dispatch can deliver to.
 */
export function githubFullName(repository: string | null, webUrl: string): string | null {
  if (!repository) return null;
  const value = repository.trim();
  if (repositoryNameSchema.safeParse(value).success) return value;
  const host = new URL(webUrl).host;
  const https = new RegExp(`^https?://${host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([^/]+/[^/]+?)(?:\\.git)?/?$`).exec(value);
  const ssh = new RegExp(`^git@${new URL(webUrl).hostname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:([^/]+/[^/]+?)(?:\\.git)?$`).exec(value);
  const name = https?.[1] ?? ssh?.[1] ?? null;
  return name && repositoryNameSchema.safeParse(name).success ? name : null;
}

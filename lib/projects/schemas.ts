import { z } from "zod";

const ownerName = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const cloneUrl = /^(?:(?:https?|ssh|git):\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
// A practical subset of git-check-ref-format.
const branchName = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$|.*\.$)[A-Za-z0-9._\/-]{1,200}$/;

/** What a project identifier in a URL can look like (any case); anything else names no project. */
export const isProjectIdentifierShape = (v: unknown): v is string => typeof v === "string" && /^[A-Za-z][A-Za-z0-9]{1,9}$/.test(v);

export const createProjectSchema = z.object({
  name: z.string({ required_error: "Name is required." }).trim().min(1, "Name is required.").max(80, "Name must be at most 80 characters."),
  identifier: z
    .string({ required_error: "Identifier is required." })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, "Identifier must be 2–10 letters or digits, starting with a letter (e.g. WEB)."),
  repository: z
    .string()
    .trim()
    .max(500, "Repository must be at most 500 characters.")
    .refine((s) => s === "" || ownerName.test(s) || cloneUrl.test(s), {
      message: "Repository must be owner/name on GitHub or a clone URL (https://, ssh:// or git@host:path).",
    })
    .optional()
    .transform((s) => (s ? s : null)),
  default_branch: z
    .string()
    .trim()
    .optional()
    .transform((s) => s || "main")
    .pipe(z.string().regex(branchName, "Default branch is not a valid git branch name.")),
}).transform(({ default_branch, ...rest }) => ({ ...rest, defaultBranch: default_branch }));

/** Settings → Git: the GitHub repository agents deliver to (owner/name; empty clears it) and its default branch. */
export const projectRepositorySchema = z
  .object({
    repository: z
      .string({ required_error: "repository is required (owner/name, or empty to clear it)." })
      .trim()
      .max(140, "repository must be at most 140 characters.")
      .refine((s) => s === "" || (ownerName.test(s) && !s.endsWith(".git")), { message: 'repository must be a GitHub repository as "owner/name", e.g. "acme/api".' }),
    default_branch: z
      .string({ required_error: "default_branch is required." })
      .trim()
      .regex(branchName, "default_branch is not a valid git branch name."),
  })
  .transform((v) => ({ repository: v.repository || null, defaultBranch: v.default_branch }));

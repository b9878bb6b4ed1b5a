import { z } from "zod";

export const ISSUE_STATES = ["backlog", "todo", "in_progress", "done", "cancelled"] as const;
export const issueStateSchema = z.enum(ISSUE_STATES, {
  errorMap: () => ({ message: "State must be one of backlog, todo, in_progress, done, cancelled." }),
});

const title = z.string({ required_error: "Title is required." }).trim().min(1, "Title is required.").max(200, "Title must be at most 200 characters.");
const description = z.string().max(100_000, "Description must be at most 100,000 characters.");

export const createIssueSchema = z.object({
  title,
  description: description.optional().default(""),
  state: issueStateSchema.optional().default("backlog"),
});

export const updateIssueSchema = z
  .object({ title: title.optional(), description: description.optional(), state: issueStateSchema.optional() })
  .refine((v) => v.title !== undefined || v.description !== undefined || v.state !== undefined, {
    message: "Nothing to change: send title, description or state.",
  });

/** `WEB-12` → { identifier: "WEB", number: 12 }; anything else → null. */
export function parseIssueKey(key: string): { identifier: string; number: number } | null {
  const m = /^([A-Za-z][A-Za-z0-9]{1,9})-([1-9][0-9]{0,8})$/.exec(key);
  return m ? { identifier: m[1]!.toUpperCase(), number: Number(m[2]) } : null;
}

export const issueKey = (identifier: string, number: number) => `${identifier}-${number}`;

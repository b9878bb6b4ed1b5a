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

export const ISSUE_PRIORITIES = ["none", "urgent", "high", "medium", "low"] as const;
export const issuePrioritySchema = z.enum(ISSUE_PRIORITIES, {
  errorMap: () => ({ message: "Priority must be one of none, urgent, high, medium, low." }),
});

const slug = (what: string) => z.string({ invalid_type_error: `${what} must be text.` }).trim().min(1, `${what} is required.`).max(60, `${what} must be at most 60 characters.`);

/** A person (by user id) or an agent (as in a mention: provider, optional variant and skill); null unassigns. */
export const assigneeSchema = z
  .discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("user"), user_id: z.string({ required_error: "assignee.user_id is required." }).uuid("assignee.user_id must be a user id.") }),
      z.object({
        type: z.literal("agent"),
        provider_slug: slug("assignee.provider_slug"),
        variant_slug: slug("assignee.variant_slug").nullable().optional(),
        skill_trigger: slug("assignee.skill_trigger").nullable().optional(),
      }),
    ],
    { errorMap: (issue, ctx) => ({ message: issue.code === "invalid_union_discriminator" ? 'assignee.type must be "user" or "agent".' : ctx.defaultError }) },
  )
  .nullable();
export type AssigneeInput = z.infer<typeof assigneeSchema>;

export const updateIssueSchema = z
  .object({
    title: title.optional(),
    description: description.optional(),
    state: issueStateSchema.optional(),
    priority: issuePrioritySchema.optional(),
    assignee: assigneeSchema.optional(),
    /** The issue's labels, as the whole set of label ids. */
    labels: z.array(z.string().uuid("labels must be label ids."), { invalid_type_error: "labels must be a list of label ids." }).max(20, "At most 20 labels per issue.").optional(),
    /** With a new assignee: cancel the run the previous agent assignee is doing (if any). */
    cancel_session: z.boolean({ invalid_type_error: "cancel_session must be true or false." }).optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== "cancel_session"), {
    message: "Nothing to change: send title, description, state, priority, assignee or labels.",
  });

export const LABEL_COLORS = ["#ef4444", "#f97316", "#eab308", "#22c55e", "#14b8a6", "#3b82f6", "#6366f1", "#a855f7", "#ec4899", "#64748b"] as const;

export const labelInputSchema = z.object({
  name: z.string({ required_error: "name is required." }).trim().min(1, "name is required.").max(40, "name must be at most 40 characters."),
  color: z
    .string({ required_error: "color is required." })
    .regex(/^#[0-9a-fA-F]{6}$/, "color must be a hex colour like #3b82f6.")
    .transform((c) => c.toLowerCase()),
});

/** A change to a label: its name, its colour, or both. */
export const labelPatchSchema = labelInputSchema.partial().refine((v) => v.name !== undefined || v.color !== undefined, { message: "Send name, color or both.", path: ["name"] });

/** `WEB-12` → { identifier: "WEB", number: 12 }; anything else → null. */
export function parseIssueKey(key: string): { identifier: string; number: number } | null {
  const m = /^([A-Za-z][A-Za-z0-9]{1,9})-([1-9][0-9]{0,8})$/.exec(key);
  return m ? { identifier: m[1]!.toUpperCase(), number: Number(m[2]) } : null;
}

export const issueKey = (identifier: string, number: number) => `${identifier}-${number}`;

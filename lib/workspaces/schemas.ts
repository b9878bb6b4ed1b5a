import { z } from "zod";

/** Slugs that would shadow the app's own top-level routes. */
export const RESERVED_SLUGS = new Set([
  "api", "signin", "signup", "signout", "login", "logout", "auth", "new", "settings", "account",
  "workspaces", "admin", "static", "assets", "_next", "health", "help", "docs",
]);

export const workspaceRoleSchema = z.enum(["admin", "member", "guest"], {
  errorMap: () => ({ message: "Role must be admin, member or guest." }),
});

/** What a workspace URL slug looks like; anything else names no workspace. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const slugSchema = z
  .string({ required_error: "URL slug is required." })
  .trim()
  .min(2, "URL slug must be at least 2 characters.")
  .max(40, "URL slug must be at most 40 characters.")
  .regex(SLUG_PATTERN, "URL slug may use lower-case letters, digits and single hyphens between them.")
  .refine((s) => !RESERVED_SLUGS.has(s), { message: "This URL slug is reserved; choose another." });

export const createWorkspaceSchema = z.object({
  name: z.string({ required_error: "Name is required." }).trim().min(1, "Name is required.").max(80, "Name must be at most 80 characters."),
  slug: slugSchema,
});

export const addMemberSchema = z.object({
  email: z.string({ required_error: "Email is required." }).trim().toLowerCase().email("Enter a valid email address."),
  role: workspaceRoleSchema.default("member"),
});

export const changeRoleSchema = z.object({ role: workspaceRoleSchema });

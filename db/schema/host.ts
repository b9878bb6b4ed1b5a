import type { InferInsertModel, InferSelectModel } from "drizzle-orm";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { agentProviderVariants, agentSessions, agentSkills } from "./agents";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Always stored lower-cased; the unique index makes sign-up races safe.
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    image: text("image"),
    // Carried in the session JWT; bumped on sign-out (and removal by an admin) so every earlier session ends.
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);
export type User = InferSelectModel<typeof users>;

/** A sign-in through GitHub or OpenID Connect, linked by the provider's own subject id. */
export const authIdentities = pgTable(
  "auth_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("auth_identities_provider_subject_key").on(t.provider, t.subject)],
);

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workspaces_slug_key").on(t.slug)],
);
export type Workspace = InferSelectModel<typeof workspaces>;

export const workspaceRole = pgEnum("workspace_role", ["admin", "member", "guest"]);
export type WorkspaceRole = (typeof workspaceRole.enumValues)[number];

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: workspaceRole("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("workspace_members_user_idx").on(t.userId)],
);
export type WorkspaceMember = InferSelectModel<typeof workspaceMembers>;

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Short upper-case key used in issue ids, e.g. WEB in WEB-12. */
    identifier: text("identifier").notNull(),
    /** `owner/name` on GitHub, or any clone URL. */
    repository: text("repository"),
    defaultBranch: text("default_branch").notNull().default("main"),
    /** Last issue number handed out; bumped under a row lock so numbers never repeat. */
    issueCounter: integer("issue_counter").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("projects_workspace_identifier_key").on(t.workspaceId, t.identifier)],
);
export type Project = InferSelectModel<typeof projects>;

export const issueState = pgEnum("issue_state", ["backlog", "todo", "in_progress", "done", "cancelled"]);
export type IssueState = (typeof issueState.enumValues)[number];

export const issuePriority = pgEnum("issue_priority", ["none", "urgent", "high", "medium", "low"]);
export type IssuePriority = (typeof issuePriority.enumValues)[number];

export const issues = pgTable(
  "issues",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    /** Markdown source; rendered and sanitized on display. */
    description: text("description").notNull().default(""),
    state: issueState("state").notNull().default("backlog"),
    priority: issuePriority("priority").notNull().default("none"),
    /** Assigned to a person or to an agent (a provider's variant, optionally with a skill); never both. */
    assigneeUserId: uuid("assignee_user_id").references(() => users.id, { onDelete: "set null" }),
    assigneeVariantId: uuid("assignee_variant_id").references((): AnyPgColumn => agentProviderVariants.id, { onDelete: "set null" }),
    assigneeSkillId: uuid("assignee_skill_id").references((): AnyPgColumn => agentSkills.id, { onDelete: "set null" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    /** The last activity entry's number (issue_events): taken under this row's lock, so gapless and in commit order. */
    activitySeq: integer("activity_seq").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("issues_project_number_key").on(t.projectId, t.number),
    index("issues_workspace_idx").on(t.workspaceId),
    check("issues_single_assignee", sql`${t.assigneeUserId} IS NULL OR ${t.assigneeVariantId} IS NULL`),
  ],
);
export type Issue = InferSelectModel<typeof issues>;

/**
 * What happened on an issue, numbered per issue: a comment written, edited or deleted, a session
 * started, a field changed. Entries name what changed; live readers load its current state.
 */
export const issueEvents = pgTable(
  "issue_events",
  {
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    refId: uuid("ref_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.issueId, t.seq] })],
);
export type NewIssue = InferInsertModel<typeof issues>;

export const comments = pgTable(
  "comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    authorSessionId: uuid("author_session_id").references((): AnyPgColumn => agentSessions.id, {
      onDelete: "set null",
    }),
    /** The editor's ProseMirror JSON, kept so the comment can be edited losslessly. */
    bodyJson: jsonb("body_json").notNull(),
    /** Rendered on the server from bodyJson and sanitized; safe to inject. */
    bodyHtml: text("body_html").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
  },
  (t) => [
    index("comments_issue_created_idx").on(t.issueId, t.createdAt),
    check("comments_single_author", sql`${t.authorUserId} IS NULL OR ${t.authorSessionId} IS NULL`),
  ],
);
export type Comment = InferSelectModel<typeof comments>;

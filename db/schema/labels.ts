import type { InferSelectModel } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentProviderVariants, agentSessions, agentSkills } from "./agents";
import { issues, users, workspaces } from "./host";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** A workspace's labels: one name (unique ignoring case) and a colour (`#rrggbb`). */
export const labels = pgTable(
  "labels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    color: text("color").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("labels_workspace_name_key").on(t.workspaceId, sql`lower(${t.name})`)],
);
export type Label = InferSelectModel<typeof labels>;

export const issueLabels = pgTable(
  "issue_labels",
  {
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    labelId: uuid("label_id")
      .notNull()
      .references(() => labels.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.issueId, t.labelId] }), index("issue_labels_label_idx").on(t.labelId)],
);

/**
 * Each change of an issue's assignee, as the timeline shows it ("assigned to Claude Opus by Ada").
 * All assignee columns null = unassigned. `sessionId` is the run the assignment started, if any.
 */
export const issueAssignments = pgTable(
  "issue_assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    variantId: uuid("variant_id").references(() => agentProviderVariants.id, { onDelete: "set null" }),
    skillId: uuid("skill_id").references(() => agentSkills.id, { onDelete: "set null" }),
    sessionId: uuid("session_id").references(() => agentSessions.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("issue_assignments_issue_idx").on(t.issueId, t.createdAt)],
);
export type IssueAssignment = InferSelectModel<typeof issueAssignments>;

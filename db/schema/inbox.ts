import type { InferSelectModel } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentSessions } from "./agents";
import { comments, issues, users, workspaces } from "./host";

/** What an inbox item is about (see lib/inbox/kinds.ts for the words each one shows). */
export const INBOX_KINDS = ["agent_finished", "mention", "assigned_issue", "needs_answer"] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/**
 * One line in a person's inbox, per workspace. `dedupeKey` names the happening (`session:<id>`,
 * `mention:<commentId>`), unique per person: whoever writes it twice (a retry, an edit that keeps
 * a mention) writes one item.
 */
export const inboxItems = pgTable(
  "inbox_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: INBOX_KINDS }).notNull(),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    commentId: uuid("comment_id").references(() => comments.id, { onDelete: "set null" }),
    sessionId: uuid("session_id").references(() => agentSessions.id, { onDelete: "cascade" }),
    /** Who did it (the mentioner, whoever changed the issue); null for an agent's own ending. */
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** A word about what happened: the session's terminal status, or what changed on an assigned issue. */
    detail: text("detail"),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("inbox_items_user_dedupe_key").on(t.userId, t.dedupeKey),
    index("inbox_items_user_workspace_created_idx").on(t.userId, t.workspaceId, t.createdAt),
    index("inbox_items_unread_idx").on(t.userId, t.workspaceId).where(sql`${t.readAt} IS NULL`),
  ],
);
export type InboxItem = InferSelectModel<typeof inboxItems>;

export const IMAGE_BUILD_STATES = ["building", "ready", "failed", "docker_unreachable"] as const;
export type ImageBuildState = (typeof IMAGE_BUILD_STATES)[number];

/**
 * What the start-up image builder last found for each agent image. Written by the process that
 * talks to Docker (the worker, or the web process on the embedded default), read by Settings → Agents.
 */
export const agentImageBuilds = pgTable("agent_image_builds", {
  image: text("image").primaryKey(),
  /** The provider's name, for the banner ("Preparing the Claude image…"). */
  label: text("label").notNull(),
  state: text("state", { enum: IMAGE_BUILD_STATES }).notNull(),
  percent: integer("percent").notNull().default(0),
  /** The last step or the reason it failed, in words an operator can act on. */
  message: text("message"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AgentImageBuild = InferSelectModel<typeof agentImageBuilds>;

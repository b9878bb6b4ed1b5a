import type { InferSelectModel } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connectionStatus } from "./agents";
import { users, workspaces } from "./host";

/**
 * A workspace's GitHub connection: an OAuth user token (with its refresh token when the app
 * issues expiring tokens) or a pasted GitHub App installation token. Sealed like the model
 * tokens; only the worker opens it, to clone, push and open pull requests.
 */
export const workspaceGitConnections = pgTable(
  "workspace_git_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** "oauth" or "installation". */
    kind: text("kind").notNull(),
    connectionStatus: connectionStatus("connection_status").notNull().default("connected"),
    /** The GitHub account the token acts as (a user login, or the app's bot). */
    login: text("login"),
    accessTokenCiphertext: text("access_token_ciphertext").notNull(),
    refreshTokenCiphertext: text("refresh_token_ciphertext"),
    tokenKeyId: text("token_key_id").notNull(),
    tokenExpiresAt: timestamp("token_expires_at", { withTimezone: true }),
    connectedBy: uuid("connected_by").references(() => users.id, { onDelete: "set null" }),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspace_git_connections_workspace_key").on(t.workspaceId)],
);
export type GitConnection = InferSelectModel<typeof workspaceGitConnections>;

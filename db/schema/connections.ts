import type { InferSelectModel } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users, workspaces } from "./host";

/** "disconnected" is never stored: a kind without a row is not connected. The value stays for the API's words. */
export const connectionStatus = pgEnum("agent_connection_status", ["disconnected", "connected", "needs_reconnect"]);

/**
 * A workspace's connection to one outside service, by kind: a model provider (its slug,
 * "claude", "gemini") or a forge ("github"). Tokens are AES-256-GCM ciphertexts sealed under
 * the key named by tokenKeyId; only the worker (and a refresh) opens them.
 */
export const workspaceConnections = pgTable(
  "workspace_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    /** "oauth" (a user's grant) or "installation" (a GitHub App installation token). */
    tokenType: text("token_type").notNull().default("oauth"),
    connectionStatus: connectionStatus("connection_status").notNull().default("connected"),
    /** The account the token acts as, where the service says (a GitHub login). */
    login: text("login"),
    accessTokenCiphertext: text("access_token_ciphertext").notNull(),
    refreshTokenCiphertext: text("refresh_token_ciphertext"),
    tokenKeyId: text("token_key_id").notNull(),
    tokenExpiresAt: timestamp("token_expires_at", { withTimezone: true }),
    connectedBy: uuid("connected_by").references(() => users.id, { onDelete: "set null" }),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspace_connections_workspace_kind_key").on(t.workspaceId, t.kind)],
);
export type Connection = InferSelectModel<typeof workspaceConnections>;

/**
 * An OAuth authorization in flight: one row per "Connect" click, consumed once by the callback.
 * Only a hash of `state` is kept (the row cannot be claimed from a database dump) and the PKCE
 * verifier is sealed with the token key ring.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** base64url(sha256(state)). */
    stateHash: text("state_hash").notNull(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The connection kind being connected: the callback of another kind does not accept it. */
    kind: text("kind").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    verifierCiphertext: text("verifier_ciphertext").notNull(),
    verifierKeyId: text("verifier_key_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("oauth_states_state_hash_key").on(t.stateHash), index("oauth_states_expires_at_idx").on(t.expiresAt)],
);
export type OAuthState = InferSelectModel<typeof oauthStates>;

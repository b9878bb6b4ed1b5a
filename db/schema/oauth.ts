import type { InferSelectModel } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agentProviders } from "./agents";
import { users, workspaces } from "./host";

/**
 * An OAuth authorization in flight: one row per "Connect with OAuth" click, consumed once by the
 * callback. Only a hash of `state` is kept (the row cannot be claimed from a database dump) and the
 * PKCE verifier is sealed with the token key ring.
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
    /** The model provider being connected; null when the state is for GitHub. */
    providerId: uuid("provider_id").references(() => agentProviders.id, { onDelete: "cascade" }),
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

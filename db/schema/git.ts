import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agentSessions } from "./agents";

/**
 * The CLI's own conversation state after a run (its transcript files under HOME), kept so a
 * follow-up can resume the conversation in a new container. gzip'd JSON of path → content.
 */
export const agentSessionCliStates = pgTable("agent_session_cli_states", {
  sessionId: uuid("session_id")
    .primaryKey()
    .references(() => agentSessions.id, { onDelete: "cascade" }),
  filesGzBase64: text("files_gz_base64").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

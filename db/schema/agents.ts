import type { InferSelectModel } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { comments, issues, projects, users, workspaces } from "./host";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** A family of models driven by one CLI (Claude Code, Gemini CLI). Adding one is a row plus an adapter. */
export const agentProviders = pgTable(
  "agent_providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** Heading in the agent picker, e.g. "Anthropic". */
    groupName: text("group_name").notNull(),
    /** Key of the CLI adapter in workers/cli. */
    cli: text("cli").notNull(),
    image: text("image").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    sortOrder: integer("sort_order").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("agent_providers_slug_key").on(t.slug)],
);
export type AgentProvider = InferSelectModel<typeof agentProviders>;

export const agentProviderVariants = pgTable(
  "agent_provider_variants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => agentProviders.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    modelId: text("model_id").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    sortOrder: integer("sort_order").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("agent_provider_variants_provider_slug_key").on(t.providerId, t.slug)],
);
export type AgentProviderVariant = InferSelectModel<typeof agentProviderVariants>;

/** One row per workspace and provider: its toggles and limits (its connection is in workspace_connections). */
export const workspaceAgentConfigs = pgTable(
  "workspace_agent_configs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => agentProviders.id, { onDelete: "cascade" }),
    enabled: boolean("enabled").notNull().default(true),
    disabledVariants: text("disabled_variants").array().notNull().default([]),
    maxConcurrentSessions: integer("max_concurrent_sessions").notNull().default(3),
    timeoutMinutes: integer("timeout_minutes").notNull().default(15),
    /** Opt-out of the credential proxy: direct network and the token in the container's environment. */
    directNetwork: boolean("direct_network").notNull().default(false),
    /** At the limit: `queue` accepts the mention and waits for a slot; `refuse` answers 429. */
    whenFull: text("when_full", { enum: ["queue", "refuse"] }).notNull().default("queue"),
    /** Actions that stop a run of this provider for a member's approval, unless its skill says otherwise. */
    approvals: jsonb("approvals").$type<ApprovalPolicy>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("workspace_agent_configs_workspace_provider_key").on(t.workspaceId, t.providerId)],
);
export type WorkspaceAgentConfig = InferSelectModel<typeof workspaceAgentConfigs>;

export const skillMode = pgEnum("agent_skill_mode", ["autonomous", "comment_only"]);

export const agentSkills = pgTable(
  "agent_skills",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null: available in every project of the workspace. */
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    trigger: text("trigger").notNull(),
    description: text("description").notNull().default(""),
    instructions: text("instructions").notNull().default(""),
    /** `provider` or `provider-variant`. */
    defaultProvider: text("default_provider"),
    mode: skillMode("mode").notNull().default("autonomous"),
    timeoutMinutes: integer("timeout_minutes"),
    /** How long a question or approval of this skill's runs waits for a member (1–1440; null: 60). */
    answerWaitMinutes: integer("answer_wait_minutes"),
    /** Actions that stop the run for a member's approval (lib/agents/approvals.ts); null: the provider's default. */
    approvals: jsonb("approvals").$type<ApprovalPolicy>(),
    /** Whether the prompt quotes comments written by guests (they read the workspace but may not steer agents). */
    includeGuestComments: boolean("include_guest_comments").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("agent_skills_workspace_trigger_key").on(t.workspaceId, t.trigger)],
);
export type AgentSkill = InferSelectModel<typeof agentSkills>;

export const sessionStatus = pgEnum("agent_session_status", [
  "pending",
  "queued",
  "provisioning",
  "running",
  "streaming",
  /** Stopped on a question or an approval the agent asked for (agent_session_requests). */
  "awaiting_input",
  "completed",
  "failed",
  "cancelled",
  "timed_out",
]);
export type SessionStatus = (typeof sessionStatus.enumValues)[number];

export const agentSessions = pgTable(
  "agent_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    issueId: uuid("issue_id")
      .notNull()
      .references(() => issues.id, { onDelete: "cascade" }),
    triggerCommentId: uuid("trigger_comment_id").references((): AnyPgColumn => comments.id, {
      onDelete: "set null",
    }),
    parentSessionId: uuid("parent_session_id").references((): AnyPgColumn => agentSessions.id, {
      onDelete: "set null",
    }),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => agentProviders.id),
    variantId: uuid("variant_id")
      .notNull()
      .references(() => agentProviderVariants.id),
    skillId: uuid("skill_id").references(() => agentSkills.id, { onDelete: "set null" }),
    /** Place among the agents its comment started (0 = named first): sessions of one comment share created_at, so cards order by this. */
    mentionIndex: integer("mention_index").notNull().default(0),
    modelId: text("model_id").notNull(),
    mode: skillMode("mode").notNull().default("autonomous"),
    status: sessionStatus("status").notNull().default("pending"),
    prompt: text("prompt").notNull(),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    timeoutMinutes: integer("timeout_minutes").notNull(),
    workerId: text("worker_id"),
    containerId: text("container_id"),
    /** The CLI's own session id, for resuming follow-ups. */
    cliSessionId: text("cli_session_id"),
    branch: text("branch"),
    commitSha: text("commit_sha"),
    pullRequestUrl: text("pull_request_url"),
    filesChanged: jsonb("files_changed"),
    /** The unified diff of this session's commit, kept so the card shows it after the checkout is gone. */
    diffPatch: text("diff_patch"),
    answer: text("answer"),
    errorMessage: text("error_message"),
    /** Why it did not complete, as a stable word the UI and API branch on (see lib/sessions/failure.ts). */
    errorCode: text("error_code"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    costUsd: numeric("cost_usd", { precision: 12, scale: 6 }),
    /** The last event's sequence number: every append takes the next ones under this row's lock. */
    eventSeq: integer("event_seq").notNull().default(0),
    /** When the session got a slot under its provider's limit (null: still in line). */
    admittedAt: timestamp("admitted_at", { withTimezone: true }),
    /** When it joined its provider's line (under the line's lock, so in the order they joined): first in, first out. */
    queuedAt: timestamp("queued_at", { withTimezone: true }),
    /** Place in line while waiting for a slot (1 = next); null once admitted. */
    queuePosition: integer("queue_position"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("agent_sessions_issue_idx").on(t.issueId, t.createdAt),
    index("agent_sessions_workspace_provider_status_idx").on(t.workspaceId, t.providerId, t.status),
    index("agent_sessions_workspace_created_idx").on(t.workspaceId, t.createdAt),
  ],
);
export type AgentSession = InferSelectModel<typeof agentSessions>;

export const agentSessionEvents = pgTable(
  "agent_session_events",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => agentSessions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);
export type AgentSessionEvent = InferSelectModel<typeof agentSessionEvents>;

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

/** Worker processes announce themselves here; a session whose worker stopped heart-beating is failed by the reaper. */
export const agentWorkers = pgTable("agent_workers", {
  id: text("id").primaryKey(),
  hostname: text("hostname").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Which of an agent's actions wait for a member's approval. `shell`: every command, none, or those
 * matching `shellPatterns` (a pattern matches a command that starts with it, or holds it as a word
 * sequence: `rm`, `git push`, `curl`). `outsideWorkTree`: writes to files outside the checkout.
 * `tools`: tool names (the CLI's own, e.g. `WebFetch`) that always ask.
 */
export type ApprovalPolicy = { shell: "all" | "none" | "patterns"; shellPatterns: string[]; outsideWorkTree: boolean; tools: string[] };

/** What the agent asked, while its run waits: a question with options, or an action to approve. */
export type SessionRequestPayload =
  | { kind: "question"; question: string; options: string[]; multiple: boolean }
  | { kind: "approval"; tool: string; action: string; rule: string };
export type SessionRequestAnswer =
  | { kind: "question"; choices: string[]; text: string | null }
  | { kind: "approval"; decision: "approved" | "rejected"; reason: string | null };

export const agentSessionRequests = pgTable(
  "agent_session_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => agentSessions.id, { onDelete: "cascade" }),
    /** The tool call that asked (the CLI's id), so a call delivered twice opens one request. */
    callId: text("call_id").notNull(),
    kind: text("kind", { enum: ["question", "approval"] }).notNull(),
    payload: jsonb("payload").$type<SessionRequestPayload>().notNull(),
    /** open → answered (by a member) | expired (nobody answered in time) | closed (the session ended first). */
    status: text("status", { enum: ["open", "answered", "expired", "closed"] }).notNull().default("open"),
    answer: jsonb("answer").$type<SessionRequestAnswer>(),
    answeredBy: uuid("answered_by").references(() => users.id, { onDelete: "set null" }),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("agent_session_requests_session_call_key").on(t.sessionId, t.callId), index("agent_session_requests_open_idx").on(t.status, t.expiresAt)],
);
export type AgentSessionRequest = InferSelectModel<typeof agentSessionRequests>;

CREATE TABLE "agent_session_cli_states" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"files_gz_base64" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_git_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"connection_status" "agent_connection_status" DEFAULT 'connected' NOT NULL,
	"login" text,
	"access_token_ciphertext" text NOT NULL,
	"refresh_token_ciphertext" text,
	"token_key_id" text NOT NULL,
	"token_expires_at" timestamp with time zone,
	"connected_by" uuid,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "oauth_states" ALTER COLUMN "provider_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD COLUMN "diff_patch" text;--> statement-breakpoint
ALTER TABLE "agent_session_cli_states" ADD CONSTRAINT "agent_session_cli_states_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_git_connections" ADD CONSTRAINT "workspace_git_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_git_connections" ADD CONSTRAINT "workspace_git_connections_connected_by_users_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_git_connections_workspace_key" ON "workspace_git_connections" USING btree ("workspace_id");
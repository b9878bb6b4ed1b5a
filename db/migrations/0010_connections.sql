CREATE TABLE "workspace_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"token_type" text DEFAULT 'oauth' NOT NULL,
	"connection_status" "agent_connection_status" DEFAULT 'connected' NOT NULL,
	"login" text,
	"access_token_ciphertext" text NOT NULL,
	"refresh_token_ciphertext" text,
	"token_key_id" text NOT NULL,
	"token_expires_at" timestamp with time zone,
	"connected_by" uuid,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "workspace_connections" ADD CONSTRAINT "workspace_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_connections" ADD CONSTRAINT "workspace_connections_connected_by_users_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_connections_workspace_kind_key" ON "workspace_connections" USING btree ("workspace_id","kind");--> statement-breakpoint
-- Copy every stored connection as it is: the ciphertexts move unchanged, still named by their key id.
INSERT INTO "workspace_connections" ("workspace_id", "kind", "token_type", "connection_status", "login", "access_token_ciphertext", "refresh_token_ciphertext", "token_key_id", "token_expires_at", "connected_by", "connected_at", "updated_at")
SELECT c."workspace_id", p."slug", 'oauth', c."connection_status", NULL, c."access_token_ciphertext", c."refresh_token_ciphertext", c."token_key_id", c."token_expires_at", c."connected_by", coalesce(c."connected_at", c."updated_at"), c."updated_at"
FROM "workspace_agent_configs" c JOIN "agent_providers" p ON p."id" = c."provider_id"
WHERE c."connection_status" <> 'disconnected' AND c."access_token_ciphertext" IS NOT NULL AND c."token_key_id" IS NOT NULL;--> statement-breakpoint
INSERT INTO "workspace_connections" ("workspace_id", "kind", "token_type", "connection_status", "login", "access_token_ciphertext", "refresh_token_ciphertext", "token_key_id", "token_expires_at", "connected_by", "connected_at", "updated_at")
SELECT "workspace_id", 'github', "kind", "connection_status", "login", "access_token_ciphertext", "refresh_token_ciphertext", "token_key_id", "token_expires_at", "connected_by", "connected_at", "updated_at"
FROM "workspace_git_connections";--> statement-breakpoint
ALTER TABLE "oauth_states" ADD COLUMN "kind" text;--> statement-breakpoint
-- Authorizations in flight keep working: a state names its kind instead of a provider id (none: GitHub).
UPDATE "oauth_states" s SET "kind" = coalesce((SELECT p."slug" FROM "agent_providers" p WHERE p."id" = s."provider_id"), 'github');--> statement-breakpoint
ALTER TABLE "oauth_states" ALTER COLUMN "kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_git_connections" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "workspace_git_connections" CASCADE;--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP CONSTRAINT "workspace_agent_configs_connected_by_users_id_fk";--> statement-breakpoint
ALTER TABLE "oauth_states" DROP CONSTRAINT "oauth_states_provider_id_agent_providers_id_fk";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "connection_status";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "access_token_ciphertext";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "refresh_token_ciphertext";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "token_key_id";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "token_expires_at";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "connected_by";--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" DROP COLUMN "connected_at";--> statement-breakpoint
ALTER TABLE "oauth_states" DROP COLUMN "provider_id";

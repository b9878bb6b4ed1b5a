ALTER TYPE "public"."agent_session_status" ADD VALUE 'awaiting_input' BEFORE 'completed';--> statement-breakpoint
CREATE TABLE "agent_session_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"call_id" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"answer" jsonb,
	"answered_by" uuid,
	"answered_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_skills" ADD COLUMN "answer_wait_minutes" integer;--> statement-breakpoint
ALTER TABLE "agent_skills" ADD COLUMN "approvals" jsonb;--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" ADD COLUMN "approvals" jsonb;--> statement-breakpoint
ALTER TABLE "agent_session_requests" ADD CONSTRAINT "agent_session_requests_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_session_requests" ADD CONSTRAINT "agent_session_requests_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_session_requests_session_call_key" ON "agent_session_requests" USING btree ("session_id","call_id");--> statement-breakpoint
CREATE INDEX "agent_session_requests_open_idx" ON "agent_session_requests" USING btree ("status","expires_at");
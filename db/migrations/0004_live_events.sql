ALTER TYPE "public"."agent_session_status" ADD VALUE 'queued' BEFORE 'provisioning';--> statement-breakpoint
CREATE TABLE "issue_events" (
	"issue_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"ref_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "issue_events_issue_id_seq_pk" PRIMARY KEY("issue_id","seq")
);
--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "activity_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD COLUMN "event_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD COLUMN "admitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD COLUMN "queued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD COLUMN "queue_position" integer;--> statement-breakpoint
ALTER TABLE "workspace_agent_configs" ADD COLUMN "when_full" text DEFAULT 'queue' NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_events" ADD CONSTRAINT "issue_events_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_sessions_workspace_created_idx" ON "agent_sessions" USING btree ("workspace_id","created_at");--> statement-breakpoint
-- Existing logs keep their numbering: the next append continues after the last stored event.
UPDATE "agent_sessions" s SET "event_seq" = coalesce((SELECT max(e."seq") FROM "agent_session_events" e WHERE e."session_id" = s."id"), 0);--> statement-breakpoint
-- Sessions that already exist hold their slot (they were admitted under the old rule).
UPDATE "agent_sessions" SET "admitted_at" = "created_at", "queued_at" = "created_at";

import type { ConnectionJson } from "@/lib/connections/json";
import type { PasteHint } from "@/lib/connections/pasted-tokens";

// What the settings page hands its client components: plain JSON (dates as ISO strings), never a token.

export type ConnectionStatus = "disconnected" | "connected" | "needs_reconnect";

/** Which actions stop a run for a member's approval, as the API writes it (lib/agents/approvals.ts). */
export type ApprovalPolicyJson = { shell: "all" | "none" | "patterns"; shell_patterns: string[]; outside_work_tree: boolean; tools: string[] };

export type VariantSettings = { slug: string; name: string; model: string; is_default: boolean; enabled: boolean };

export type ProviderSettings = {
  provider_slug: string;
  name: string;
  group: string;
  enabled: boolean;
  connection_status: ConnectionStatus;
  connected_at: string | null;
  connected_by: { id: string; name: string } | null;
  token_expires_at: string | null;
  connection: ConnectionJson;
  max_concurrent_sessions: number;
  timeout_minutes: number;
  /** At the limit: wait in line (default) or refuse the mention. */
  when_full: "queue" | "refuse";
  /** The default for skills that set none; null: nothing waits for approval. */
  approvals: ApprovalPolicyJson | null;
  variants: VariantSettings[];
  /** How a pasted token looks for this provider; null when it can only be connected through OAuth. */
  paste: PasteHint | null;
};

export type SkillSettings = {
  id: string;
  name: string;
  trigger: string;
  description: string;
  instructions: string;
  default_provider: string | null;
  mode: "autonomous" | "comment_only";
  timeout_minutes: number | null;
  /** How long a question or approval waits for a member; null: 60 minutes. */
  answer_wait_minutes: number | null;
  /** Null: the provider's default. */
  approvals: ApprovalPolicyJson | null;
  /** The prompt quotes guests' comments too (off: only members', admins' and agents'). */
  include_guest_comments: boolean;
  enabled: boolean;
};

/** For the default-provider choice: `claude`, `claude-opus`, … with readable names. */
export type ProviderChoice = { value: string; label: string };

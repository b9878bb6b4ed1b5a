import type { ConnectionRow } from "@/db/queries/connections";
import type { TokenType } from "./pasted-tokens";

/** A connection as the API and the settings pages show it: a status, whom it acts as, who made it and until when; never a token. */
export type ConnectionJson = {
  status: "connected" | "needs_reconnect" | "disconnected";
  /** The kind of token: a user's OAuth grant or an app installation's. */
  kind: TokenType | null;
  login: string | null;
  connected_by: string | null;
  connected_at: string | null;
  expires_at: string | null;
  oauth_configured: boolean;
};

export function connectionJson(row: ConnectionRow | undefined, oauthConfigured: boolean): ConnectionJson {
  return {
    status: row ? row.connectionStatus : "disconnected",
    kind: (row?.tokenType as TokenType | undefined) ?? null,
    login: row?.login ?? null,
    connected_by: row?.connectedByName ?? null,
    connected_at: row?.connectedAt.toISOString() ?? null,
    expires_at: row?.tokenExpiresAt?.toISOString() ?? null,
    oauth_configured: oauthConfigured,
  };
}

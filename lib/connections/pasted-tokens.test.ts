import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DispatchError } from "@/lib/errors";
import { checkPastedToken as check, PASTE_RULES } from "./pasted-tokens";

/** As a model provider's kind checks it: the rule of its CLI, refusals coded bad_request:connection. */
const checkPastedToken = (provider: { cli: string; name: string }, raw: string) => check(PASTE_RULES[provider.cli] ?? null, { name: provider.name, surface: "connection" }, raw);

const claude = { cli: "claude", name: "Claude" };
const gemini = { cli: "gemini", name: "Gemini" };
const b64url = (n: number) => randomBytes(n).toString("base64url");

/** The refusal checkPastedToken throws, so a test can look at its code, field and message. */
function refusal(provider: { cli: string; name: string }, raw: string): DispatchError {
  try {
    checkPastedToken(provider, raw);
  } catch (err) {
    if (err instanceof DispatchError) return err;
    throw err;
  }
  throw new Error(`"${raw.slice(0, 20)}…" was accepted`);
}

describe("pasted OAuth tokens", () => {
  it("accepts what `claude setup-token` prints, trimmed and unwrapped from terminal line breaks", () => {
    const token = `sk-ant-oat01-${b64url(69)}AA`;
    expect(checkPastedToken(claude, `  ${token}\n`).token).toBe(token);
    expect(checkPastedToken(claude, `${token.slice(0, 50)}\n${token.slice(50)}`).token).toBe(token);
    expect(checkPastedToken(claude, token).lifetimeMs).toBeNull();
  });

  it("accepts a Google access token for Gemini, which lives one hour", () => {
    const token = `ya29.a0${b64url(120)}`;
    const { token: stored, lifetimeMs } = checkPastedToken(gemini, token);
    expect(stored).toBe(token);
    expect(lifetimeMs).toBe(3_600_000);
  });

  it("refuses an Anthropic API key, saying why and how to get an OAuth token", () => {
    const err = refusal(claude, `sk-ant-api03-${b64url(70)}`);
    expect(err.code).toBe("bad_request:connection");
    expect(err.field).toBe("token");
    expect(err.message).toBe("This looks like an API key (sk-ant-api…). Dispatch connects with OAuth only: run `claude setup-token` and paste the token it prints.");
  });

  it("refuses a Google API key for Gemini (and for Claude), naming it an API key", () => {
    const key = `AIza${b64url(26).slice(0, 35)}`;
    expect(key).toHaveLength(39);
    expect(refusal(gemini, key).message).toBe("This looks like an API key (AIza…). Dispatch connects with OAuth only: paste a Google OAuth access token.");
    expect(refusal(claude, key).message).toContain("This looks like an API key (AIza…)");
  });

  it("refuses anything else naming the expected shape, and never repeats what was pasted", () => {
    const garbage = `hello-${b64url(30)}`;
    const err = refusal(claude, garbage);
    expect(err.message).toBe("This is not a Claude OAuth token (expected sk-ant-oat01-…): run `claude setup-token` and paste the token it prints.");
    expect(err.message).not.toContain(garbage);
    // Another provider's OAuth token, a truncated one, and an empty paste.
    expect(refusal(gemini, `sk-ant-oat01-${b64url(60)}`).message).toContain("expected ya29.…");
    expect(refusal(claude, "sk-ant-oat01-short").message).toContain("expected sk-ant-oat01-…");
    expect(refusal(claude, "ya29.").code).toBe("bad_request:connection");
    expect(refusal(claude, "  \n ").message).toBe("No token was pasted: run `claude setup-token` and paste the token it prints.");
  });

  it("refuses pasting for a provider whose CLI has no paste rule", () => {
    expect(refusal({ cli: "codex", name: "Codex" }, `sk-ant-oat01-${b64url(60)}`).message).toBe(
      "Codex cannot be connected with a pasted token; use Connect with OAuth.",
    );
  });
});


/** As the github kind checks it. */
const checkPastedGitToken = (raw: string) => check(PASTE_RULES.github!, { name: "GitHub", surface: "git_connection" }, raw);
const body = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

describe("pasted GitHub tokens", () => {
  it("takes installation and OAuth tokens, joined if the paste wrapped", () => {
    expect(checkPastedGitToken(`ghs_${body.slice(0, 18)}\n${body.slice(18)}`)).toEqual({ token: `ghs_${body}`, tokenType: "installation", lifetimeMs: 3_600_000 });
    expect(checkPastedGitToken(`gho_${body}`).tokenType).toBe("oauth");
  });
  it("refuses personal access tokens, saying why, and never repeats the token", () => {
    for (const pat of [`ghp_${body}`, `github_pat_11AAAA_${body}`]) {
      let message = "";
      try {
        checkPastedGitToken(pat);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/personal access token/);
      expect(message).not.toContain(body);
    }
  });
  it("refuses what is not a GitHub token, and an empty paste", () => {
    expect(() => checkPastedGitToken("hunter2")).toThrow(/not a GitHub token/);
    expect(() => checkPastedGitToken("  ")).toThrow(/No token was pasted/);
  });
});

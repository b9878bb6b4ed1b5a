/** Bounds keep a long issue from crowding out the request itself. */
const MAX_DESCRIPTION = 20_000;
const MAX_COMMENT = 2_000;
const MAX_COMMENTS = 10;

export type PromptInput = {
  issueKey: string;
  title: string;
  description: string;
  comments: { author: string; text: string }[];
  skill: { name: string; instructions: string } | null;
  request: string;
  mode: "autonomous" | "comment_only";
};

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}\n[… ${text.length - max} characters cut]`);

/** The text handed to the CLI: the issue, its recent discussion, the skill, then the member's request. */
export function buildPrompt(p: PromptInput): string {
  const parts = [
    `You are working on issue ${p.issueKey}: ${p.title}`,
    "",
    "## Issue description",
    p.description.trim() ? cut(p.description.trim(), MAX_DESCRIPTION) : "(no description)",
  ];
  const recent = p.comments.filter((c) => c.text.trim()).slice(-MAX_COMMENTS);
  if (recent.length) {
    parts.push("", "## Recent comments (oldest first)");
    for (const c of recent) parts.push(`- ${c.author}: ${cut(c.text.trim(), MAX_COMMENT).replace(/\n/g, "\n  ")}`);
  }
  if (p.skill) {
    parts.push("", `## Skill: ${p.skill.name}`, p.skill.instructions.trim() || "(no instructions)");
  }
  parts.push(
    "",
    "## Mode",
    p.mode === "comment_only"
      ? "Do not change any files. Investigate and answer in your final message."
      : "You may change files in the working directory (/work). Finish with a short summary of what you changed and why.",
    "",
    "## Request",
    p.request.trim(),
  );
  return parts.join("\n");
}

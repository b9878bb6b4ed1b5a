import { githubClient, githubMessage } from "@/lib/git/github";
import { GitStepError } from "./git-cli";

/** Opens the session's pull request; a refusal is a GitStepError in GitHub's own words. */
export async function openPullRequest(
  token: string,
  args: { fullName: string; title: string; body: string; head: string; base: string },
): Promise<{ number: number; url: string }> {
  const [owner, repo] = args.fullName.split("/") as [string, string];
  try {
    const { data } = await githubClient(token).rest.pulls.create({ owner, repo, title: args.title, body: args.body, head: args.head, base: args.base });
    return { number: data.number, url: data.html_url };
  } catch (err) {
    throw new GitStepError("pull_request", `Opening the pull request failed: ${githubMessage(err)}`);
  }
}

/**
 * A stand-in for github.com (the service lives outside this machine). It speaks GitHub's real wire
 * protocols on one 127.0.0.1 port, the way GitHub Enterprise serves everything from one host:
 *   - Git smart HTTP (`/{owner}/{name}.git/...`) by running the real `git http-backend` CGI over
 *     bare repositories in a temp dir; HTTP Basic auth whose password is an accepted token.
 *   - The REST API under `/api/v3` (GitHub Enterprise's prefix): /user, repository info, pull
 *     requests (create, list, get) with GitHub's status codes and error bodies.
 *   - The OAuth web flow of an OAuth app with PKCE S256: /login/oauth/authorize auto-approves (or
 *     denies, when told to) and /login/oauth/access_token exchanges a single-use code for a
 *     `gho_` token that the git and API sides then accept.
 * Every API and OAuth request is recorded in `requests`; every git request in `gitRequests`.
 */
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createGunzip } from "node:zlib";

export type RecordedRequest = { method: string; path: string; query: Record<string, string>; authorization: string | null; body: unknown };
export type PullRequest = { number: number; title: string; body: string | null; head: string; base: string; html_url: string; state: "open" };
export type GitHubStandIn = {
  /** http://127.0.0.1:PORT (web + git base). */
  url: string;
  /** url + "/api/v3". */
  apiUrl: string;
  /** Every API and OAuth request, in order (not the git ones). */
  requests: RecordedRequest[];
  gitRequests: { method: string; path: string; service: string | null; authorized: boolean }[];
  /** Pull requests created in `owner/name`, in order. */
  pulls(fullName: string): PullRequest[];
  /** `push: false` makes the token read-only: the API reports pull-only permissions and git push is refused (403). */
  acceptToken(token: string, opts?: { login?: string; push?: boolean }): void;
  revokeToken(token: string): void;
  /** The registered OAuth app. */
  oauthClient: { id: string; secret: string };
  denyConsent(deny: boolean): void;
  /** The next API/OAuth request whose method matches and whose path (no query, e.g. `/api/v3/repos/o/r/pulls`) matches gets that GitHub-style error. */
  failNext(method: string, pathPattern: RegExp, status: number, message: string): void;
  /** A bare repository with one initial commit holding `files` (paths may contain `/`). */
  createRepo(fullName: string, files: Record<string, string>, opts?: { defaultBranch?: string }): Promise<void>;
  /** Branch name → commit sha. */
  branches(fullName: string): Promise<Record<string, string>>;
  /** Commits reachable from `ref`, newest first. */
  log(fullName: string, ref: string): Promise<{ sha: string; subject: string; body: string; authorName: string; authorEmail: string; parents: string[] }[]>;
  readFile(fullName: string, ref: string, filePath: string): Promise<string>;
  /** Stops the server and removes the temp dir. */
  close(): Promise<void>;
};

const DOCS = "https://docs.github.com/rest";
const DEFAULT_LOGIN = "octocat";
const AUTHOR = { name: "GitHub Stand-in", email: "stand-in@github.test" };
const NAME_RE = /^[A-Za-z0-9_.-]+$/;
const CODE_TTL_MS = 10 * 60_000;

type TokenInfo = { login: string; push: boolean; scopes: string };
type PrRecord = PullRequest & { id: number; draft: boolean; headSha: string; baseSha: string; user: string; createdAt: string };
type OAuthCode = { redirectUri: string; challenge: string | null; scope: string; expires: number };
type Failure = { method: string; pattern: RegExp; status: number; message: string };

function splitName(fullName: string): { owner: string; name: string } {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length || !NAME_RE.test(owner) || !NAME_RE.test(name) || owner.startsWith(".") || name.startsWith(".") || name.endsWith(".git")) {
    throw new Error(`not a repository name: ${fullName}`);
  }
  return { owner, name };
}

/** An environment for git that ignores the machine's and user's config and any GIT_* of the caller. */
function gitEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("GIT_")) delete env[k];
  return Object.assign(env, { HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" }, extra);
}

function git(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; input?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", args, { env: opts.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(" ")} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString("utf8");
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return type.includes("json") ? undefined : text;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(data),
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    ...headers,
  });
  res.end(data);
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const randomAlnum = (n: number) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
};

export async function startGitHubStandIn(opts: { tokens?: string[] } = {}): Promise<GitHubStandIn> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "github-stand-in-"));
  const root = path.join(tmp, "repos");
  const home = path.join(tmp, "home");
  await mkdir(root);
  await mkdir(home);
  const env = gitEnv(home);

  const tokens = new Map<string, TokenInfo>();
  for (const t of opts.tokens ?? []) tokens.set(t, { login: DEFAULT_LOGIN, push: true, scopes: "repo" });
  const userIds = new Map<string, number>();
  const userId = (login: string) => {
    if (!userIds.has(login)) userIds.set(login, 1000 + userIds.size);
    return userIds.get(login)!;
  };
  const repoIds = new Map<string, number>();
  const prs = new Map<string, PrRecord[]>();
  let nextPrId = 5000;
  const oauthClient = { id: `Iv1.${randomBytes(8).toString("hex")}`, secret: randomBytes(20).toString("hex") };
  const codes = new Map<string, OAuthCode>();
  let deny = false;
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const gitRequests: GitHubStandIn["gitRequests"] = [];

  const repoDir = (owner: string, name: string) => path.join(root, owner, `${name}.git`);
  const repoExists = async (owner: string, name: string) => {
    if (!NAME_RE.test(owner) || !NAME_RE.test(name) || owner.startsWith(".") || name.startsWith(".")) return false;
    return stat(path.join(repoDir(owner, name), "HEAD")).then(
      (s) => s.isFile(),
      () => false,
    );
  };
  const inRepo = (fullName: string, args: string[]) => {
    const { owner, name } = splitName(fullName);
    return git(["--git-dir", repoDir(owner, name), ...args], { env });
  };
  const resolveBranch = async (owner: string, name: string, branch: string): Promise<string | null> => {
    if (!branch || branch.startsWith("-")) return null;
    return git(["--git-dir", repoDir(owner, name), "rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], { env }).then(
      (out) => out.trim() || null,
      () => null,
    );
  };
  const defaultBranch = async (owner: string, name: string) =>
    (await git(["--git-dir", repoDir(owner, name), "symbolic-ref", "--short", "HEAD"], { env })).trim();

  let base = "";
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `stand-in error: ${(err as Error).message}`, documentation_url: DOCS });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const u = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const gitMatch = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(u.pathname);
    if (gitMatch) return handleGit(req, res, u, gitMatch[1]!, gitMatch[2]!, gitMatch[3]!);

    const raw = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : await readBody(req);
    const body = parseBody(raw, req.headers["content-type"]);
    if (u.pathname.startsWith("/__standin/")) return control(res, u, method, body as Record<string, unknown>);
    requests.push({ method, path: u.pathname, query: Object.fromEntries(u.searchParams), authorization: req.headers.authorization ?? null, body });

    const i = failures.findIndex((f) => f.method === method && f.pattern.test(u.pathname));
    if (i >= 0) {
      const [f] = failures.splice(i, 1);
      return sendJson(res, f!.status, { message: f!.message, documentation_url: DOCS });
    }
    if (u.pathname === "/api/v3" || u.pathname.startsWith("/api/v3/")) return handleApi(req, res, u, method, body);
    if (u.pathname === "/login/oauth/authorize" && method === "GET") return authorize(res, u);
    if (u.pathname === "/login/oauth/access_token" && method === "POST") return accessToken(req, res, body);
    return sendText(res, 404, "Not Found");
  }

  // ---- Git smart HTTP -------------------------------------------------------------------------

  async function handleGit(req: http.IncomingMessage, res: http.ServerResponse, u: URL, owner: string, name: string, rest: string) {
    const method = req.method ?? "GET";
    const service = rest === "/info/refs" ? u.searchParams.get("service") : /^\/(git-upload-pack|git-receive-pack)$/.exec(rest)?.[1] ?? null;
    const token = basicPassword(req.headers.authorization);
    const info = token ? tokens.get(token) : undefined;
    gitRequests.push({ method, path: u.pathname, service, authorized: !!info });
    if (!info) {
      req.resume();
      return sendText(res, 401, "Invalid username or token. Password authentication is not supported for Git operations.\n", {
        "www-authenticate": 'Basic realm="GitHub"',
      });
    }
    const known = rest === "/info/refs" ? service === "git-upload-pack" || service === "git-receive-pack" : !!service && method === "POST";
    if (!known || !(await repoExists(owner, name))) {
      req.resume();
      return sendText(res, 404, "Repository not found.\n");
    }
    if (service === "git-receive-pack" && !info.push) {
      req.resume();
      return sendText(res, 403, `Permission to ${owner}/${name}.git denied to ${info.login}.\n`);
    }

    const child = spawn("git", ["http-backend"], {
      env: gitEnv(home, {
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: `/${owner}/${name}.git${rest}`,
        REQUEST_METHOD: method,
        QUERY_STRING: u.search.replace(/^\?/, ""),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_USER: info.login,
        REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
        ...(req.headers["git-protocol"] ? { HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdin.on("error", () => {}); // the CGI may exit before reading everything
    // Git clients gzip large upload-pack requests; the body reaches the CGI inflated.
    const encoding = String(req.headers["content-encoding"] ?? "").toLowerCase();
    if (encoding === "gzip" || encoding === "x-gzip") {
      const gunzip = createGunzip();
      gunzip.on("error", () => child.kill());
      req.pipe(gunzip).pipe(child.stdin);
    } else req.pipe(child.stdin);

    await new Promise<void>((resolve) => {
      let head = Buffer.alloc(0);
      let headersDone = false;
      child.stdout.on("data", (chunk: Buffer) => {
        if (headersDone) {
          if (!res.write(chunk)) {
            child.stdout.pause();
            res.once("drain", () => child.stdout.resume());
          }
          return;
        }
        head = Buffer.concat([head, chunk]);
        const m = /\r?\n\r?\n/.exec(head.toString("latin1"));
        if (!m) return;
        headersDone = true;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of head.subarray(0, m.index).toString("latin1").split(/\r?\n/)) {
          const c = line.indexOf(":");
          if (c < 0) continue;
          const key = line.slice(0, c).trim();
          const value = line.slice(c + 1).trim();
          if (key.toLowerCase() === "status") status = parseInt(value, 10) || 200;
          else headers[key] = value;
        }
        res.writeHead(status, headers);
        const restOfChunk = head.subarray(m.index + m[0].length);
        if (restOfChunk.length) res.write(restOfChunk);
      });
      child.on("close", (code) => {
        if (!headersDone) sendText(res, 500, `git http-backend failed (${code}): ${stderr}`);
        else res.end();
        resolve();
      });
      child.on("error", (err) => {
        if (!res.headersSent) sendText(res, 500, `git http-backend: ${err.message}`);
        resolve();
      });
      res.on("close", () => {
        if (child.exitCode === null) child.kill();
      });
    });
  }

  function basicPassword(header: string | undefined): string | null {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const c = decoded.indexOf(":");
    return c < 0 ? null : decoded.slice(c + 1) || null;
  }

  // ---- REST API -------------------------------------------------------------------------------

  const notFound = (res: http.ServerResponse) => sendJson(res, 404, { message: "Not Found", documentation_url: DOCS });
  const invalid = (res: http.ServerResponse, errors: Record<string, string>[]) =>
    sendJson(res, 422, { message: "Validation Failed", errors, documentation_url: `${DOCS}/pulls/pulls#create-a-pull-request` });

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, u: URL, method: string, body: unknown) {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const info = m ? tokens.get(m[1]!) : undefined;
    if (!info) {
      return sendJson(res, 401, { message: req.headers.authorization ? "Bad credentials" : "Requires authentication", documentation_url: DOCS });
    }
    const scopeHeaders = { "x-oauth-scopes": info.scopes, "x-accepted-oauth-scopes": "repo" };
    const p = u.pathname.slice("/api/v3".length);

    if (p === "/user" && method === "GET") {
      return sendJson(res, 200, { login: info.login, id: userId(info.login), name: info.login === DEFAULT_LOGIN ? "The Octocat" : info.login, html_url: `${base}/${info.login}`, type: "User" }, scopeHeaders);
    }
    const r = /^\/repos\/([^/]+)\/([^/]+)(\/pulls(?:\/(\d+))?)?$/.exec(p);
    if (!r || !(await repoExists(r[1]!, r[2]!))) return notFound(res);
    const owner = r[1]!;
    const name = r[2]!;
    const full = `${owner}/${name}`;

    if (!r[3] && method === "GET") {
      if (!repoIds.has(full)) repoIds.set(full, 100 + repoIds.size);
      return sendJson(
        res,
        200,
        {
          id: repoIds.get(full),
          name,
          full_name: full,
          owner: { login: owner, id: userId(owner), type: "User" },
          private: true,
          html_url: `${base}/${full}`,
          clone_url: `${base}/${full}.git`,
          url: `${base}/api/v3/repos/${full}`,
          default_branch: await defaultBranch(owner, name),
          permissions: { admin: false, maintain: false, push: info.push, triage: info.push, pull: true },
        },
        scopeHeaders,
      );
    }
    const list = prs.get(full) ?? [];
    if (r[3] && r[4] && method === "GET") {
      const pr = list.find((x) => x.number === Number(r[4]));
      return pr ? sendJson(res, 200, prJson(full, pr), scopeHeaders) : notFound(res);
    }
    if (r[3] && !r[4] && method === "GET") {
      const state = u.searchParams.get("state") ?? "open";
      const head = u.searchParams.get("head");
      const baseRef = u.searchParams.get("base");
      const found = list.filter(
        (x) => (state === "all" || x.state === state) && (!head || `${owner}:${x.head}` === head || (!head.includes(":") && x.head === head)) && (!baseRef || x.base === baseRef),
      );
      return sendJson(res, 200, found.map((x) => prJson(full, x)), scopeHeaders);
    }
    if (r[3] && !r[4] && method === "POST") return createPull(res, owner, name, info, body, scopeHeaders);
    return notFound(res);
  }

  async function createPull(res: http.ServerResponse, owner: string, name: string, info: TokenInfo, body: unknown, headers: Record<string, string>) {
    const full = `${owner}/${name}`;
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const str = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
    for (const field of ["title", "head", "base"]) {
      if (!str(field)) return invalid(res, [{ resource: "PullRequest", field, code: "missing_field" }]);
    }
    const headArg = str("head");
    const [headOwner, headRef] = headArg.includes(":") ? [headArg.slice(0, headArg.indexOf(":")), headArg.slice(headArg.indexOf(":") + 1)] : [owner, headArg];
    const headSha = headOwner === owner ? await resolveBranch(owner, name, headRef) : null;
    if (!headSha) return invalid(res, [{ resource: "PullRequest", field: "head", code: "invalid" }]);
    const baseSha = await resolveBranch(owner, name, str("base"));
    if (!baseSha) return invalid(res, [{ resource: "PullRequest", field: "base", code: "invalid" }]);
    const list = prs.get(full) ?? [];
    if (list.some((x) => x.state === "open" && x.head === headRef && x.base === str("base"))) {
      return invalid(res, [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${headRef}.` }]);
    }
    const ahead = (await inRepo(full, ["rev-list", "--count", `${baseSha}..${headSha}`])).trim();
    if (ahead === "0") {
      return invalid(res, [{ resource: "PullRequest", code: "custom", message: `No commits between ${str("base")} and ${headRef}` }]);
    }
    const number = list.length + 1;
    const pr: PrRecord = {
      id: nextPrId++,
      number,
      title: str("title"),
      body: typeof b.body === "string" ? b.body : null,
      head: headRef,
      base: str("base"),
      html_url: `${base}/${full}/pull/${number}`,
      state: "open",
      draft: b.draft === true,
      headSha,
      baseSha,
      user: info.login,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    prs.set(full, [...list, pr]);
    return sendJson(res, 201, prJson(full, pr), { ...headers, location: `${base}/api/v3/repos/${full}/pulls/${number}` });
  }

  function prJson(full: string, pr: PrRecord) {
    const owner = full.split("/")[0]!;
    const repo = { full_name: full, name: full.split("/")[1], html_url: `${base}/${full}`, clone_url: `${base}/${full}.git`, private: true };
    return {
      id: pr.id,
      node_id: `PR_${Buffer.from(String(pr.id)).toString("base64url")}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      draft: pr.draft,
      merged: false,
      mergeable: null,
      html_url: pr.html_url,
      url: `${base}/api/v3/repos/${full}/pulls/${pr.number}`,
      diff_url: `${pr.html_url}.diff`,
      patch_url: `${pr.html_url}.patch`,
      user: { login: pr.user, id: userId(pr.user), type: "User" },
      head: { label: `${owner}:${pr.head}`, ref: pr.head, sha: pr.headSha, repo },
      base: { label: `${owner}:${pr.base}`, ref: pr.base, sha: pr.baseSha, repo },
      created_at: pr.createdAt,
      updated_at: pr.createdAt,
      closed_at: null,
      merged_at: null,
    };
  }

  // ---- OAuth web flow -------------------------------------------------------------------------

  function page(res: http.ServerResponse, status: number, title: string) {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
    res.end(html);
  }

  function authorize(res: http.ServerResponse, u: URL) {
    const q = u.searchParams;
    if (q.get("client_id") !== oauthClient.id) return page(res, 404, "Not Found");
    let redirect: URL;
    try {
      redirect = new URL(q.get("redirect_uri") ?? "");
      if (redirect.protocol !== "http:" && redirect.protocol !== "https:") throw new Error("scheme");
    } catch {
      return page(res, 400, "The redirect_uri is not associated with this application.");
    }
    const challenge = q.get("code_challenge");
    const method = q.get("code_challenge_method") ?? (challenge ? "plain" : null);
    const state = q.get("state");
    const back = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
      if (state !== null) redirect.searchParams.set("state", state);
      res.writeHead(302, { location: redirect.toString(), "content-length": 0 });
      res.end();
    };
    if (challenge && method !== "S256") {
      return back({ error: "invalid_request", error_description: "code_challenge_method must be S256." });
    }
    if (deny) {
      return back({
        error: "access_denied",
        error_description: "The user has denied your application access.",
        error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
      });
    }
    const code = randomBytes(10).toString("hex");
    const scope = (q.get("scope") ?? "").split(/[\s,]+/).filter(Boolean).join(",");
    codes.set(code, { redirectUri: q.get("redirect_uri")!, challenge, scope, expires: Date.now() + CODE_TTL_MS });
    back({ code });
  }

  function accessToken(req: http.IncomingMessage, res: http.ServerResponse, body: unknown) {
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const str = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
    const wantsJson = String(req.headers.accept ?? "").includes("application/json");
    const reply = (payload: Record<string, string>) =>
      wantsJson
        ? sendJson(res, 200, payload)
        : (() => {
            const text = new URLSearchParams(payload).toString();
            res.writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8", "content-length": Buffer.byteLength(text) });
            res.end(text);
          })();
    const fail = (error: string, description: string, anchor: string) =>
      reply({ error, error_description: description, error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${anchor}` });

    if (str("client_id") !== oauthClient.id || str("client_secret") !== oauthClient.secret) {
      return fail("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "incorrect-client-credentials");
    }
    const code = codes.get(str("code"));
    const badCode = () => fail("bad_verification_code", "The code passed is incorrect or expired.", "bad-verification-code");
    if (!code) return badCode();
    codes.delete(str("code")); // single use, whatever happens next
    if (code.expires < Date.now()) return badCode();
    if (str("redirect_uri") && str("redirect_uri") !== code.redirectUri) {
      return fail("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", "redirect-uri-mismatch");
    }
    if (code.challenge !== null && (!str("code_verifier") || s256(str("code_verifier")) !== code.challenge)) return badCode();
    const token = `gho_${randomAlnum(36)}`;
    tokens.set(token, { login: DEFAULT_LOGIN, push: true, scopes: code.scope });
    return reply({ access_token: token, token_type: "bearer", scope: code.scope });
  }

  /**
   * For tests in another process than the stand-in (the e2e server's global setup starts it):
   * the same controls over HTTP, under /__standin/ (not part of GitHub's protocol).
   */
  async function control(res: http.ServerResponse, u: URL, method: string, body: Record<string, unknown>) {
    const q = (k: string) => u.searchParams.get(k) ?? "";
    const route = `${method} ${u.pathname.slice("/__standin".length)}`;
    if (route === "GET /state") return sendJson(res, 200, { requests, gitRequests, pulls: Object.fromEntries([...prs.keys()].map((k) => [k, standIn.pulls(k)])) });
    if (route === "POST /repos") {
      await standIn.createRepo(String(body.full_name), (body.files as Record<string, string>) ?? { "README.md": "# Repository\n" });
      return sendJson(res, 201, { ok: true });
    }
    if (route === "POST /tokens") {
      standIn.acceptToken(String(body.token), { login: typeof body.login === "string" ? body.login : undefined, push: body.push !== false });
      return sendJson(res, 201, { ok: true });
    }
    if (route === "POST /deny") {
      standIn.denyConsent(body.deny === true);
      return sendJson(res, 200, { ok: true });
    }
    if (route === "GET /branches") return sendJson(res, 200, await standIn.branches(q("full_name")));
    if (route === "GET /log") return sendJson(res, 200, await standIn.log(q("full_name"), q("ref")));
    if (route === "GET /file") return sendJson(res, 200, { content: await standIn.readFile(q("full_name"), q("ref"), q("path")) });
    return sendJson(res, 404, { message: `no stand-in control ${route}` });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: GitHubStandIn = {
    url: base,
    apiUrl: `${base}/api/v3`,
    requests,
    gitRequests,
    oauthClient,
    pulls: (fullName) =>
      (prs.get(fullName) ?? []).map(({ number, title, body, head, base: b, html_url, state }) => ({ number, title, body, head, base: b, html_url, state })),
    acceptToken: (token, o = {}) => void tokens.set(token, { login: o.login ?? DEFAULT_LOGIN, push: o.push ?? true, scopes: "repo" }),
    revokeToken: (token) => void tokens.delete(token),
    denyConsent: (d) => void (deny = d),
    failNext: (method, pattern, status, message) => void failures.push({ method: method.toUpperCase(), pattern, status, message }),

    async createRepo(fullName, files, o = {}) {
      const { owner, name } = splitName(fullName);
      const dir = repoDir(owner, name);
      if (await repoExists(owner, name)) throw new Error(`repository exists: ${fullName}`);
      await mkdir(path.dirname(dir), { recursive: true });
      await git(["init", "--quiet", "--bare", `--initial-branch=${o.defaultBranch ?? "main"}`, dir], { env });
      await git(["--git-dir", dir, "config", "http.receivepack", "true"], { env });
      // The initial commit by plumbing: blobs into a throwaway index, a tree, a commit, the branch.
      const indexEnv = { ...env, GIT_INDEX_FILE: path.join(tmp, `index-${randomBytes(6).toString("hex")}`) };
      try {
        for (const [file, content] of Object.entries(files)) {
          const rel = path.posix.normalize(file);
          if (rel.startsWith("../") || rel.startsWith("/") || rel === ".") throw new Error(`bad file path: ${file}`);
          const blob = (await git(["--git-dir", dir, "hash-object", "-w", "--stdin"], { env, input: content })).trim();
          await git(["--git-dir", dir, "update-index", "--add", "--cacheinfo", `100644,${blob},${rel}`], { env: indexEnv });
        }
        const tree = (await git(["--git-dir", dir, "write-tree"], { env: indexEnv })).trim();
        const commit = (
          await git(["--git-dir", dir, "-c", `user.name=${AUTHOR.name}`, "-c", `user.email=${AUTHOR.email}`, "commit-tree", tree, "-m", "Initial commit"], { env })
        ).trim();
        await git(["--git-dir", dir, "update-ref", `refs/heads/${o.defaultBranch ?? "main"}`, commit], { env });
      } finally {
        await rm(indexEnv.GIT_INDEX_FILE, { force: true });
      }
    },

    async branches(fullName) {
      const out = await inRepo(fullName, ["for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads"]);
      return Object.fromEntries(
        out
          .split("\n")
          .filter(Boolean)
          .map((line) => line.split(" ") as [string, string]),
      );
    },

    async log(fullName, ref) {
      const out = await inRepo(fullName, ["log", "--format=%H%x00%s%x00%b%x00%an%x00%ae%x00%P%x1e", ref, "--"]);
      return out
        .split("\x1e")
        .map((rec) => rec.replace(/^\n/, ""))
        .filter(Boolean)
        .map((rec) => {
          const [sha, subject, body, authorName, authorEmail, parents] = rec.split("\x00") as [string, string, string, string, string, string];
          return { sha, subject, body: body.replace(/\s+$/, ""), authorName, authorEmail, parents: parents.trim().split(" ").filter(Boolean) };
        });
    },

    async readFile(fullName, ref, filePath) {
      if (ref.startsWith("-")) throw new Error(`bad ref: ${ref}`);
      return inRepo(fullName, ["cat-file", "blob", `${ref}:${filePath}`]);
    },

    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tmp, { recursive: true, force: true });
    },
  };
  return standIn;
}

import { PassThrough, Writable } from "node:stream";
import readline from "node:readline";
import Docker from "dockerode";
import { env } from "@/lib/env";
import { describeError } from "@/lib/log/describe-error";
import { measure } from "@/lib/observability/metrics";
import { SessionFailure } from "@/lib/sessions/failure";
import { installationId } from "./installation";
import type { SandboxDriver, SandboxHandle, SandboxLine, SandboxSpec, SandboxTimingHook } from "./types";
import { logFor } from "@/lib/observability/log";

export const SESSION_LABEL = "dispatch.session";
export const WORKER_LABEL = "dispatch.worker";
export const INSTALLATION_LABEL = "dispatch.installation";
/** The CLI's HOME inside the container: a per-session host folder, so its conversation outlives the container. */
export const CONTAINER_HOME = "/home/dispatch";

const ignoreGone = (err: unknown) => {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409 || status === 304) return;
  throw err;
};

const CONNECTION_ERRORS = ["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE"];

/**
 * One hardened, throw-away container per session, through the Docker Engine API. The engine is
 * the one every Docker client would use: DOCKER_HOST (unix://, tcp:// with DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH), else the local socket. Every call has a deadline (DISPATCH_DOCKER_TIMEOUT_MS,
 * default 30 s); an engine that cannot be reached or does not answer fails the session — never
 * the worker's start-up — in words that do not reveal the worker's host.
 */
export class DockerSandbox implements SandboxDriver {
  private client: Docker | null;

  constructor(
    docker?: Docker,
    /** Containers are labelled with it and `list` sees only these. */
    private readonly installation = installationId(),
    private readonly deadlineMs = env().DISPATCH_DOCKER_TIMEOUT_MS ?? 30_000,
    /** Benchmarks: told when each step of a start happens (bench/worker-latency.ts). */
    private readonly onTiming: SandboxTimingHook = () => undefined,
  ) {
    this.client = docker ?? null;
  }

  /** Built on first use: a malformed DOCKER_HOST or missing TLS files fail a session, not the start-up. */
  private get docker(): Docker {
    if (!this.client) {
      try {
        this.client = new Docker();
      } catch (err) {
        logFor("worker").error(`the Docker client could not be set up: ${describeError(err)}`);
        throw new SessionFailure("docker_unreachable", "The worker's Docker settings are invalid (DOCKER_HOST or its TLS files). An operator can fix them on the worker.");
      }
    }
    return this.client;
  }

  /** One Engine API call under the deadline, its failure translated for members (details go to the worker's log). */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        logFor("worker").error(`the Docker engine did not answer ${what} within ${this.deadlineMs} ms`);
        reject(new SessionFailure("docker_not_answering", `The Docker engine did not answer within ${Math.round(this.deadlineMs / 1000)} s (${what}). An operator can check the Docker daemon on the worker.`));
      }, this.deadlineMs);
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string" && CONNECTION_ERRORS.includes(code)) {
        logFor("worker").error(`the Docker engine could not be reached (${what}): ${code}`);
        throw new SessionFailure("docker_unreachable", "The worker could not reach its Docker engine. An operator can check that Docker is running on the worker and that DOCKER_HOST points at it.");
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async imageExists(image: string) {
    try {
      await this.call("inspecting the image", () => this.docker.getImage(image).inspect());
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const mark = (step: Parameters<SandboxTimingHook>[1]) => this.onTiming(spec.sessionId, step, performance.timeOrigin + performance.now());
    mark("create");
    const startedAt = performance.now();
    const container = await this.call("creating the container", () => this.docker.createContainer({
      Image: spec.image,
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      Env: Object.entries({ ...spec.env, HOME_DIR: CONTAINER_HOME }).map(([k, v]) => `${k}=${v}`),
      Labels: { [SESSION_LABEL]: spec.sessionId, [WORKER_LABEL]: spec.workerId, [INSTALLATION_LABEL]: this.installation },
      User: "1000:1000",
      WorkingDir: "/work",
      Tty: false,
      OpenStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        Binds: [`${spec.workDir}:/work:rw`, `${spec.runDir}:/run/dispatch:ro`, `${spec.homeDir}:${CONTAINER_HOME}:rw`],
        NetworkMode: spec.network ?? "none",
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": "rw,exec,nosuid,size=512m,uid=1000,gid=1000" },
        PidsLimit: spec.limits.pids,
        Memory: spec.limits.memoryMb * 1024 * 1024,
        NanoCpus: Math.round(spec.limits.cpus * 1e9),
        Init: true,
        AutoRemove: false,
      },
    }));
    mark("created");
    // Attach before start so not one line is missed.
    const stream = await this.call("attaching to the container", () => container.attach({ stream: true, stdout: true, stderr: true }));
    const out = new PassThrough();
    const err = new PassThrough();
    // The demultiplexed stdout passes a tap that notes the CLI's first byte out (for benchmarks).
    let quiet = true;
    const stdoutTap = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (quiet) {
          quiet = false;
          mark("firstByte");
        }
        out.write(chunk);
        done();
      },
    });
    container.modem.demuxStream(stream, stdoutTap, err);
    stream.on("end", () => {
      out.end();
      err.end();
    });
    mark("start");
    await this.call("starting the container", () => container.start());
    mark("started");
    measure((m) => m.containerStart.observe((performance.now() - startedAt) / 1000));

    return {
      id: container.id,
      lines: () => mergeLines(out, err, () => mark("firstLine")),
      wait: async () => {
        const res = (await container.wait()) as { StatusCode: number };
        const info = await this.call("inspecting the container", () => container.inspect()).catch(() => null);
        return { exitCode: res.StatusCode, oomKilled: !!info?.State?.OOMKilled };
      },
      // Called without waiting (a cancel, a timeout): it must never reject.
      kill: () =>
        this.call("stopping the container", () => container.kill({ signal: "SIGKILL" }))
          .then(() => undefined, ignoreGone)
          .catch((err: unknown) => logFor("worker").error(`killing container ${container.id.slice(0, 12)} failed: ${describeError(err)}`)),
      remove: () => this.call("removing the container", () => container.remove({ force: true, v: true })).then(() => undefined, ignoreGone),
    };
  }

  async list() {
    const rows = await this.call("listing containers", () => this.docker.listContainers({ all: true, filters: { label: [SESSION_LABEL, `${INSTALLATION_LABEL}=${this.installation}`] } }));
    return rows.map((r) => ({ id: r.Id, sessionId: r.Labels[SESSION_LABEL] ?? "", workerId: r.Labels[WORKER_LABEL] ?? null }));
  }

  async removeById(id: string) {
    await this.call("removing a container", () => this.docker.getContainer(id).remove({ force: true, v: true })).then(() => undefined, ignoreGone);
  }
}

async function* mergeLines(out: PassThrough, err: PassThrough, onFirstStdout: () => void): AsyncIterable<SandboxLine> {
  const queue: (SandboxLine | null)[] = [];
  let firstStdout = true;
  let wake: (() => void) | null = null;
  let open = 2;
  const feed = (source: PassThrough, stream: SandboxLine["stream"]) => {
    const rl = readline.createInterface({ input: source, crlfDelay: Infinity });
    rl.on("line", (line) => {
      if (stream === "stdout" && firstStdout) {
        firstStdout = false;
        onFirstStdout();
      }
      queue.push({ stream, line });
      wake?.();
    });
    rl.on("close", () => {
      if (--open === 0) queue.push(null);
      wake?.();
    });
  };
  feed(out, "stdout");
  feed(err, "stderr");
  for (;;) {
    const next = queue.shift();
    if (next === null) return;
    if (next) {
      yield next;
      continue;
    }
    await new Promise<void>((r) => (wake = r));
    wake = null;
  }
}

import { PassThrough } from "node:stream";
import readline from "node:readline";
import Docker from "dockerode";
import { installationId } from "./installation";
import type { SandboxDriver, SandboxHandle, SandboxLine, SandboxSpec } from "./types";

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

/** One hardened, throw-away container per session, through the Docker Engine API. */
export class DockerSandbox implements SandboxDriver {
  constructor(
    private readonly docker = new Docker({ socketPath: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock" }),
    /** Containers are labelled with it and `list` sees only these. */
    private readonly installation = installationId(),
  ) {}

  async imageExists(image: string) {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const container = await this.docker.createContainer({
      Image: spec.image,
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
    });
    // Attach before start so not one line is missed.
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    const err = new PassThrough();
    container.modem.demuxStream(stream, out, err);
    stream.on("end", () => {
      out.end();
      err.end();
    });
    await container.start();

    return {
      id: container.id,
      lines: () => mergeLines(out, err),
      wait: async () => {
        const res = (await container.wait()) as { StatusCode: number };
        const info = await container.inspect().catch(() => null);
        return { exitCode: res.StatusCode, oomKilled: !!info?.State?.OOMKilled };
      },
      kill: () => container.kill({ signal: "SIGKILL" }).then(() => undefined, ignoreGone),
      remove: () => container.remove({ force: true, v: true }).then(() => undefined, ignoreGone),
    };
  }

  async list() {
    const rows = await this.docker.listContainers({ all: true, filters: { label: [SESSION_LABEL, `${INSTALLATION_LABEL}=${this.installation}`] } });
    return rows.map((r) => ({ id: r.Id, sessionId: r.Labels[SESSION_LABEL] ?? "", workerId: r.Labels[WORKER_LABEL] ?? null }));
  }

  async removeById(id: string) {
    await this.docker.getContainer(id).remove({ force: true, v: true }).then(() => undefined, ignoreGone);
  }
}

async function* mergeLines(out: PassThrough, err: PassThrough): AsyncIterable<SandboxLine> {
  const queue: (SandboxLine | null)[] = [];
  let wake: (() => void) | null = null;
  let open = 2;
  const feed = (source: PassThrough, stream: SandboxLine["stream"]) => {
    const rl = readline.createInterface({ input: source, crlfDelay: Infinity });
    rl.on("line", (line) => {
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

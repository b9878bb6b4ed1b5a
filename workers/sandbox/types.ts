export type SandboxSpec = {
  sessionId: string;
  workerId: string;
  image: string;
  /** Host folder mounted read-write at /work. */
  workDir: string;
  /** Host folder mounted read-only at /run/dispatch: prompt.txt and the model API socket. */
  runDir: string;
  /** Host folder mounted read-write as the CLI's HOME (/home/dispatch): its conversation state lives there. */
  homeDir: string;
  env: Record<string, string>;
  limits: { memoryMb: number; cpus: number; pids: number };
  /** "none" (the default): the model API only through the mounted socket. "bridge": the provider's direct-network opt-out. */
  network?: "none" | "bridge";
  /** Instead of the image's entrypoint (benchmarks measure the floor with `true` and the CLI's `--version`). */
  entrypoint?: string[];
};

/** A step of starting a container and the wall-clock time (epoch ms, sub-ms precision) it happened at. */
export type SandboxTimingHook = (sessionId: string, step: "create" | "created" | "start" | "started" | "firstByte" | "firstLine", at: number) => void;

export type SandboxLine = { stream: "stdout" | "stderr"; line: string };

export interface SandboxHandle {
  readonly id: string;
  /** Output lines as they come; ends when the container's streams close. */
  lines(): AsyncIterable<SandboxLine>;
  wait(): Promise<{ exitCode: number; oomKilled: boolean }>;
  kill(): Promise<void>;
  remove(): Promise<void>;
}

export interface SandboxDriver {
  imageExists(image: string): Promise<boolean>;
  start(spec: SandboxSpec): Promise<SandboxHandle>;
  /** Containers of this installation's sessions, running or not (never another installation's on a shared engine). */
  list(): Promise<{ id: string; sessionId: string; workerId: string | null }[]>;
  removeById(id: string): Promise<void>;
}

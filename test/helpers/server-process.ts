import { type ChildProcess, spawn } from "node:child_process";

export interface ServerProcess {
  child: ChildProcess;
  /** Its JSON log lines, as they come. */
  lines: Array<Record<string, unknown>>;
  /** Everything it wrote, standard output and error, as text. */
  output(): string;
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real server, `node --import tsx src/server.ts` (or `command`, `npm start` say), with
 * `env` over the test's environment; resolves once it listens (all its workers, with
 * WEB_CONCURRENCY). Metrics are off unless `env` gives a METRICS_PORT: every server would
 * want 9464.
 */
export async function startServerProcess(
  env: Record<string, string>,
  started: ChildProcess[] = [],
  command: string[] = [process.execPath, "--import", "tsx", "src/server.ts"],
): Promise<ServerProcess> {
  const lines: Array<Record<string, unknown>> = [];
  const [file = process.execPath, ...args] = command;
  const child = spawn(file, args, {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      ADMIN_USERNAME: "admin",
      ADMIN_PASSWORD: "a long enough admin password",
      METRICS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let rest = "";
  let all = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    all += chunk.toString();
    process.stderr.write(chunk);
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    all += chunk.toString();
    const text = rest + chunk.toString();
    const parts = text.split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  const workers = Number(env.WEB_CONCURRENCY ?? 1);
  const listening = (l: Record<string, unknown>) =>
    String(l.msg).startsWith("listening") && (workers <= 1 || String(l.msg).includes("workers"));
  await until(() => lines.some(listening), 30_000).catch((error: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${error.message}: the server did not listen. It wrote:\n${all}`);
  });
  return {
    child,
    lines,
    output: () => all,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Polls `condition` every 50 ms until it holds, or throws after `ms`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

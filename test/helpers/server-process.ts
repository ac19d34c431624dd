import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { pixelDocument } from "./documents.js";
import { seedPixels } from "./seed-pixel.js";
import { startTestRedis, type TestRedis } from "./test-redis.js";

/** What a test file's processes leave behind, gone after its tests (useProcessScope). */
export interface ProcessScope {
  /** A folder of the file's own, for spools and Redis data. */
  readonly dir: string;
  /** The children it started (startServerProcess adds them): killed if still running. */
  readonly started: ChildProcess[];
  /** Something else to stop after the tests, in reverse order of registration. */
  afterwards(stop: () => unknown): void;
  /** A test Redis holding pixel 37 with min_minutes_per_conv 0, stopped after the tests. */
  redisWithPixel(): Promise<TestRedis>;
}

/**
 * Registers the cleanup of a test file that starts real processes: after its tests, the
 * children still running are killed, what was given to `afterwards` is stopped, the folder
 * is removed. `name` prefixes the folder.
 */
export function useProcessScope(name: string): ProcessScope {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const started: ChildProcess[] = [];
  const stops: Array<() => unknown> = [];
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    while (stops.length) await stops.pop()?.();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    started,
    afterwards: (stop) => void stops.push(stop),
    async redisWithPixel() {
      const redis = await startTestRedis();
      stops.push(() => redis.stop());
      await seedPixels(redis.client, [pixelDocument({ min_minutes_per_conv: 0 })]);
      return redis;
    },
  };
}

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

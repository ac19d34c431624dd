import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";

/** Whether a Redis answers PING at host:port within a short time. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on("error", () => finish(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => finish(data.toString().startsWith("+PONG")));
  });
}

export function hasRedisServerBinary(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export interface StartedRedis {
  url: string;
  process: ChildProcess;
}

/**
 * Starts `redis-server` bound to 127.0.0.1:port, persisting to an append-only file in `dir`,
 * and resolves once it answers.
 */
export async function startRedisServer(
  port: number,
  dir: string | null,
  extraArgs: string[] = [],
): Promise<StartedRedis> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    args.push("--dir", resolve(dir), "--appendonly", "yes");
  } else {
    args.push("--appendonly", "no");
  }
  const child = spawn("redis-server", [...args, ...extraArgs], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers("127.0.0.1", port, 200))
      return { url: `redis://127.0.0.1:${port}`, process: child };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`redis-server did not start on port ${port}`);
}

export type RedisChoice =
  | { kind: "configured" | "local" | "private"; url: string; started?: ChildProcess }
  | { kind: "missing"; message: string };

/**
 * SPEC section 1: REDIS_URL when set; else a Redis on 127.0.0.1:6379; else a private
 * `redis-server` with its data under LOCAL_REDIS_DIR; else a one-line way to install one.
 */
export async function chooseRedis(options: {
  redisUrl: string | null;
  localDir: string;
  localPort: number;
  /** Where a machine's own Redis would answer (6379; tests point it elsewhere). */
  sharedPort?: number;
}): Promise<RedisChoice> {
  const sharedPort = options.sharedPort ?? 6379;
  if (options.redisUrl) return { kind: "configured", url: options.redisUrl };
  if (await redisAnswers("127.0.0.1", sharedPort))
    return { kind: "local", url: `redis://127.0.0.1:${sharedPort}` };
  if (await redisAnswers("127.0.0.1", options.localPort))
    return { kind: "private", url: `redis://127.0.0.1:${options.localPort}` };
  if (!hasRedisServerBinary())
    return {
      kind: "missing",
      message:
        "No Redis found: set REDIS_URL, or install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis).",
    };
  const started = await startRedisServer(options.localPort, options.localDir);
  return { kind: "private", url: started.url, started: started.process };
}

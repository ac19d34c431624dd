import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Starts a TypeScript server with Node (through tsx) and waits for its /healthz. */
export async function startServer(
  script: string,
  port: number,
  env: Record<string, string>,
  pin: string[],
): Promise<ChildProcess> {
  const [command = process.execPath, ...args] = [
    ...pin,
    process.execPath,
    "--import",
    "tsx",
    script,
  ];
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", process.env.BENCH_SERVER_LOG === "1" ? "inherit" : "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${script} did not start`);
}

/**
 * The edge (`src/server.ts`) on `port`, against the bench's own Redis and PostgreSQL, with a
 * spool file of its own, pinned with `pin`.
 */
export function startEdgeServer(
  port: number,
  stores: { redisUrl: string; databaseUrl: string; secret: string },
  pin: string[],
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  return startServer(
    "src/server.ts",
    port,
    {
      REDIS_URL: stores.redisUrl,
      DATABASE_URL: stores.databaseUrl,
      SIGNING_SECRET: stores.secret,
      SPOOL_PATH: `/tmp/bench-spool-${port}.jsonl`,
      // Off unless asked for: 9464 may be taken, and run.ts measures what they cost.
      METRICS_PORT: "0",
      ...env,
    },
    pin,
  );
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds used so far by a process and its children, living and reaped (PostgreSQL: the
 * postmaster and its backends; a backend that exited is counted in the postmaster's cutime).
 */
export function treeCpuSeconds(root: number): number {
  let total = 0;
  try {
    const fields = readFileSync(`/proc/${root}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime, stime, cutime, cstime
    total +=
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === root) total += cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * CPU seconds used so far by this process's children named `name` (the workerd processes
 * Miniflare starts): only the one under load moves during a measurement.
 */
export function childrenCpuSeconds(name: string): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === name && ppid === process.pid) total += cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * CPU pinning with taskset when there are 2+ cores (and BENCH_PIN is not 0): the servers get
 * CPU 0 to themselves, the load generator and Redis share CPU 1, so the figures are the
 * edge's own throughput per core. `server` and `load` prefix a command line.
 */
export function cpuPinning(): {
  pinned: boolean;
  server: string[];
  load: string[];
  /** Moves a running process (Redis) to the load generator's CPU. */
  toLoadCpu(pid: number | undefined): void;
} {
  const pinned =
    process.env.BENCH_PIN !== "0" &&
    availableParallelism() >= 2 &&
    spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  return {
    pinned,
    server: pinned ? ["taskset", "-c", "0"] : [],
    load: pinned ? ["taskset", "-c", "1"] : [],
    toLoadCpu(pid) {
      if (pinned && pid) spawnSync("taskset", ["-p", "-c", "1", String(pid)]);
    },
  };
}

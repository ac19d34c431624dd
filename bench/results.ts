import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The machine and versions a result was measured with. */
function environment() {
  // `wrk --version` exits with 1 after printing it: read the output whatever the status.
  const version = (command: string, args: string[]) => {
    const run = spawnSync(command, args, { encoding: "utf8" });
    return `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n")[0] || null;
  };
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: version("redis-server", ["--version"]),
    wrk: version("wrk", ["--version"]),
  };
}

/** Writes a run's figures, with the machine they came from, to bench/results/<name>.json. */
export function writeResults(name: string, figures: Record<string, unknown>): string {
  const dir = join("bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ environment: environment(), ...figures }, null, 2)}\n`);
  return file;
}

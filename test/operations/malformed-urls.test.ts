import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { useProcessScope } from "../helpers/server-process.js";

// A malformed REDIS_URL or DATABASE_URL is a configuration error, not a dependency that is away
// (SPEC 13 starts the edge without those): the real server stops at once with one line that
// names the variable and never shows its value, which may hold a password (SPEC 14).

const { dir } = useProcessScope("malformed-urls");
const PASSWORD = "hunter2-s3cr3t";

/** Runs the server with `env` until it exits (or 15 s: then it is killed, and that fails). */
async function start(env: Record<string, string>) {
  const port = await freePort();
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/server.ts"],
      {
        timeout: 15_000,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: "127.0.0.1",
          METRICS_PORT: "0",
          ADMIN_USERNAME: "admin",
          ADMIN_PASSWORD: "a long enough admin password",
          // Valid defaults that reach nothing: no test may touch the Redis on 6379.
          REDIS_URL: "redis://127.0.0.1:1",
          DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
          SPOOL_PATH: join(dir, `spool-${port}.jsonl`),
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe("a malformed connection URL", () => {
  it.each([
    ["REDIS_URL", `redis://:${PASSWORD}@redis host:6379`],
    ["REDIS_URL", `redis://:${PASSWORD}@[::1:6379`],
    ["REDIS_URL", `redis://:${PASSWORD}@cache:99999`],
    ["DATABASE_URL", `postgres://app:${PASSWORD}@[db/pixels`],
    ["DATABASE_URL", `postgres://app:${PASSWORD}@db:70000/pixels`],
    ["DATABASE_URL", `app:${PASSWORD} at db`],
  ])("in %s (%s) stops the start with one line naming it, not its value", async (name, value) => {
    const { code, stdout, stderr } = await start({ [name]: value });
    const output = stdout + stderr;
    expect(code).toBe(1);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(value);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${name} is not a valid `));
    expect(output).not.toMatch(/Invalid URL|TypeError|at .*\.ts:\d+/);
  });
});

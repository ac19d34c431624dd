import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../src/node/free-port.js";

const run = promisify(execFile);

/** Debian keeps PostgreSQL's server binaries off PATH, one folder per major version. */
function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0])
    throw new Error(
      "PostgreSQL's server binaries are missing: apt-get install postgresql (.ci/run does)",
    );
  return join(root, versions[0], "bin");
}

/** initdb refuses root: as root, the cluster belongs to the `postgres` user Debian creates. */
const asRoot = userInfo().uid === 0;

async function asOwner(command: string, args: string[]): Promise<string> {
  const { stdout } = asRoot
    ? await run("runuser", ["-u", "postgres", "--", command, ...args])
    : await run(command, args);
  return stdout;
}

export interface PrivatePostgres {
  /** A superuser URL of the cluster's `postgres` database. */
  url: string;
  port: number;
  /** Stops the server as a crash would (`immediate`) or cleanly (`fast`). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  /** The postmaster's pid (its backends are its children), for CPU accounting. */
  postmasterPid(): number;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the tests' own, in a temporary folder, on a free loopback port: no
 * test ever touches a database it did not create. fsync is off (a machine crash is not what
 * the tests simulate; a killed server still keeps every committed transaction).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "px-pg-"));
  const data = join(dir, "data");
  if (asRoot) chownSync(dir, Number((await run("id", ["-u", "postgres"])).stdout.trim()), -1);
  await asOwner(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const pgCtl = join(bin, "pg_ctl");
  const start = async () => {
    await asOwner(pgCtl, ["start", "-w", "-D", data, "-l", join(dir, "log"), "-o", options]);
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    await asOwner(pgCtl, ["stop", "-w", "-D", data, "-m", mode]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    postmasterPid: () => Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]),
    destroy: async () => {
      await stop("immediate").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

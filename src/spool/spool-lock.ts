import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";

/** Another live process holds the lock: a configuration to fix, not a disk that failed. */
export class LockHeld extends Error {}

/**
 * One process per spool file: two would truncate each other's records. The lock is a file
 * beside the spool holding the owner's pid, created exclusively; a lock whose process is gone
 * (a crash, SIGKILL) is taken over.
 */
export function lockSpool(spoolPath: string): Promise<() => Promise<void>> {
  return lockFile(spoolPath, "give each server process its own SPOOL_PATH");
}

/**
 * Locks `path` to this process with `<path>.lock` (the embedded store's folder uses it too);
 * `advice` says what to do when another live process holds it.
 */
export async function lockFile(path: string, advice: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isAlive(owner))
        throw new LockHeld(
          `${path} is in use by process ${owner}: ${advice} ` +
            `(or delete ${lockPath} if that process is not one of ours)`,
        );
      await rm(lockPath, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../storage/ports.js";

/**
 * Keeps the admin login a first start generated where its owner alone can read it (mode 0600),
 * as the body `POST /auth` takes, and says so in one line: a newcomer signs in with
 * `curl -c cookies -d @<file> <host>/auth`, and `npm run seed-demo` signs in with it by itself.
 * When the file cannot be written, the password is printed instead, this once.
 */
export async function keepFirstLogin(
  file: string,
  login: { username: string; password: string },
  publicUrl: string,
  log: Logger,
): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify({ auth: login })}\n`, { mode: 0o600, flag: "w" });
    log({
      level: "info",
      msg: `created the API admin "${login.username}"; its login is in ${file} (readable by you only): curl -c cookies -d @${file} ${publicUrl}/auth`,
    });
  } catch (error) {
    log({ level: "warn", msg: `${file} could not be written`, error: String(error) });
    console.log(
      `Created the API admin user "${login.username}" with password ${login.password} (shown only this once).`,
    );
  }
}

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** Headless, and quiet: no update checks or sync that would reach past loopback. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, which `.ci/run` installs when missing. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * A headless Chromium (Playwright gives it a fresh temporary profile). Background networking is
 * off: this machine's closed network refuses Chromium's own connections.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A Chromium with a real (persistent, not incognito) profile whose cookie setting is
 * "block third-party cookies" or "allow them" (Chromium's `profile.cookie_controls_mode`
 * preference, 1 or 0), resolving `hosts` to 127.0.0.1 so that pages have sites of their own.
 * `secureOrigins` are plain-http origins treated as secure, so that the edge's
 * `Secure; SameSite=None` uuid2 cookie is kept as it would be over https.
 */
export async function launchChromiumProfile(options: {
  blockThirdPartyCookies: boolean;
  hosts: string[];
  secureOrigins: string[];
}): Promise<BrowserContext & { closeAll(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install chromium (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  mkdirSync(join(dir, "Default"));
  const mode = options.blockThirdPartyCookies ? 1 : 0;
  writeFileSync(
    join(dir, "Default", "Preferences"),
    JSON.stringify({ profile: { cookie_controls_mode: mode } }),
  );
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      `--host-resolver-rules=${options.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`,
      `--unsafely-treat-insecure-origin-as-secure=${options.secureOrigins.join(",")}`,
    ],
  });
  return Object.assign(context, {
    async closeAll() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

import { LogOnceASecond } from "../log-once-a-second.js";
import type { Logger } from "../storage/ports.js";

/** A secret that may sit in an error's message: the password of a `scheme://user:pass@host` URL. */
export function redactError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, "$1***@");
}

export interface KeptTrying<T> {
  /** Resolves with the first success; rejects only when stopped first. */
  readonly result: Promise<T>;
  /** Settles once the first attempt has, however it went. */
  readonly firstAttempt: Promise<void>;
  stop(): void;
}

/**
 * Runs `work` until it succeeds, every `everyMs`: what the server needs from a dependency at
 * start (the shared signing secret, the admin user) must not stop it from listening while that
 * dependency is away (SPEC 13). Failures are logged once a minute (`times`: how many since the
 * last line), with only the error's message (ioredis errors carry the commands they failed, AUTH included).
 */
export function keepTrying<T>(
  what: string,
  work: () => Promise<T>,
  log: Logger,
  everyMs = 1000,
): KeptTrying<T> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cancel: (error: Error) => void = () => {};
  let attempted: () => void = () => {};
  const firstAttempt = new Promise<void>((resolve) => {
    attempted = resolve;
  });
  const notices = new LogOnceASecond(log, 60_000);
  const result = new Promise<T>((resolve, reject) => {
    cancel = reject;
    const attempt = () => {
      const done = work();
      done.then(attempted, attempted);
      done.then(resolve, (error: unknown) => {
        notices.note({
          level: "warn",
          msg: `${what}: waiting for Redis or the store`,
          error: redactError(error),
        });
        if (stopped) return;
        timer = setTimeout(attempt, everyMs);
        timer.unref();
      });
    };
    attempt();
  });
  // A stop before success is not an unhandled rejection for callers that never waited.
  result.catch(() => {});
  return {
    result,
    firstAttempt,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      cancel(new Error(`${what}: stopped before Redis answered`));
    },
  };
}

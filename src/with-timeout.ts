/** The promise's value, or `fallback` once `ms` pass or it fails; the promise runs on. */
export function withTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/**
 * A readiness check (for /readyz): "ok" when `ping` succeeds within `ms`, else `failure`. The
 * error itself stays out: /readyz is public, and its text names hosts, ports and SQL (the
 * dependency's own log lines carry it).
 *
 * @example await answersWithin(redis.ping(), "unreachable") // "ok", or "unreachable"
 */
export function answersWithin(ping: Promise<unknown>, failure: string, ms = 500): Promise<string> {
  const answer = ping.then(
    () => "ok",
    () => failure,
  );
  return withTimeout(answer, ms, `no answer within ${ms} ms`);
}

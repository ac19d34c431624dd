/** Upper bounds (seconds) of the request duration histogram's buckets. */
export const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/** What one route has answered: counts by status class (index 1–5: 1xx–5xx) and durations. */
export interface RouteTally {
  byClass: Float64Array;
  /** Requests per bucket of DURATION_BUCKETS (not cumulative); the last slot is +Inf. */
  buckets: Float64Array;
  seconds: number;
  count: number;
}

/**
 * Requests counted with plain numbers, read into Prometheus series only when scraped: on the
 * edge, prom-client's own `inc()` and `observe()` cost 0.4–1.3 µs each here (they hash label
 * objects), several times what this does.
 */
export class RequestTally {
  readonly routes = new Map<string, RouteTally>();

  count(route: string, status: number, seconds: number): void {
    let tally = this.routes.get(route);
    if (!tally) {
      tally = {
        byClass: new Float64Array(6),
        buckets: new Float64Array(DURATION_BUCKETS.length + 1),
        seconds: 0,
        count: 0,
      };
      this.routes.set(route, tally);
    }
    const cls = (status / 100) | 0;
    const at = cls >= 1 && cls <= 5 ? cls : 0;
    tally.byClass[at] = (tally.byClass[at] ?? 0) + 1;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number))
      bucket += 1;
    tally.buckets[bucket] = (tally.buckets[bucket] ?? 0) + 1;
    tally.seconds += seconds;
    tally.count += 1;
  }
}

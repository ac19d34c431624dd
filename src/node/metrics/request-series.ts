import { Counter, type Registry } from "prom-client";
import { DURATION_BUCKETS, type RequestTally } from "../../metrics/request-tally.js";

const CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"] as const;
const DURATION = "px_http_request_duration_seconds";

/**
 * `px_http_requests_total{route,status_class}` and `px_http_request_duration_seconds{route}`
 * from the tally the request middleware keeps, built when scraped. The histogram is a metric
 * object of prom-client's shape (what its Histogram's `get()` answers) because a Histogram can
 * only be fed one observation at a time.
 */
export function requestSeries(registry: Registry, tally: RequestTally): void {
  new Counter({
    name: "px_http_requests_total",
    help: "HTTP requests answered, by route (the registered pattern) and status class",
    labelNames: ["route", "status_class"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [route, t] of tally.routes)
        t.byClass.forEach((n, cls) => {
          if (n > 0) this.inc({ route, status_class: CLASSES[cls] ?? "other" }, n);
        });
    },
  });
  const histogram = {
    name: DURATION,
    help: "Time from a request's arrival in the app to its answer, by route",
    type: "histogram",
    aggregator: "sum",
    reset() {},
    get() {
      const values: Array<{
        labels: Record<string, string | number>;
        value: number;
        metricName: string;
      }> = [];
      for (const [route, t] of tally.routes) {
        let cumulative = 0;
        DURATION_BUCKETS.forEach((le, i) => {
          cumulative += t.buckets[i] ?? 0;
          values.push({
            labels: { le, route },
            value: cumulative,
            metricName: `${DURATION}_bucket`,
          });
        });
        values.push({
          labels: { le: "+Inf", route },
          value: t.count,
          metricName: `${DURATION}_bucket`,
        });
        values.push({ labels: { route }, value: t.seconds, metricName: `${DURATION}_sum` });
        values.push({ labels: { route }, value: t.count, metricName: `${DURATION}_count` });
      }
      return { name: DURATION, help: histogram.help, type: "histogram", aggregator: "sum", values };
    },
  };
  registry.registerMetric(histogram as unknown as Parameters<Registry["registerMetric"]>[0]);
}

import { createServer, type Server } from "node:http";
import type { Logger } from "../../storage/ports.js";

export interface Scrape {
  contentType: string;
  body(): Promise<string>;
}

/**
 * `GET /metrics` on its own address (SPEC 13: never the public port). A port already taken is
 * logged and the service goes on without metrics: they must never stop the edge.
 */
export function serveMetrics(
  at: { host: string; port: number },
  scrape: Scrape,
  log: Logger,
): { server: Server; close(): Promise<void> } {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    scrape.body().then(
      (body) => res.writeHead(200, { "Content-Type": scrape.contentType }).end(body),
      (error: Error) => {
        log({ level: "error", msg: "metrics failed", error: error.message });
        res.writeHead(500, { "Content-Type": "text/plain" }).end("metrics failed\n");
      },
    );
  });
  server.on("error", (error: Error) =>
    log({ level: "error", msg: "metrics server failed", error: error.message, ...at }),
  );
  server.listen(at.port, at.host, () =>
    log({ level: "info", msg: `metrics on http://${at.host}:${at.port}/metrics` }),
  );
  return {
    server,
    close: () =>
      new Promise<void>((resolve) =>
        server.listening ? server.close(() => resolve()) : resolve(),
      ),
  };
}
